package dev.berth.proxy.watch;

import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Protocol;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServicePortName;
import dev.berth.proxy.rules.ProxyState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The proxy's in-memory copy of Services and EndpointSlices, with the service ports changed since the last
 * {@link #takeChanges()} (kube-proxy's change trackers). An update equal to what is stored is no change.
 * Thread-safe: watch threads write, the sync loop takes snapshots.
 */
public final class ClusterState {
    /**
     * A consistent copy of the state and what changed since the previous snapshot.
     *
     * @param lastChangeTriggerTimes per Service, the {@code endpoints.kubernetes.io/last-change-trigger-time} of
     *                               the EndpointSlice changes in this snapshot (for the network programming metric)
     */
    public record Snapshot(ProxyState state, Set<ServicePortName> changedPorts,
                           Map<NamespacedName, List<Instant>> lastChangeTriggerTimes) {
        public Snapshot {
            changedPorts = Set.copyOf(changedPorts);
            lastChangeTriggerTimes = Map.copyOf(lastChangeTriggerTimes);
        }

        public Snapshot(ProxyState state, Set<ServicePortName> changedPorts) {
            this(state, changedPorts, Map.of());
        }

        /** The Services owning the changed ports: what a partial sync rewrites. */
        public Set<NamespacedName> changedServices() {
            var out = new TreeSet<NamespacedName>();
            changedPorts.forEach(p -> out.add(p.service()));
            return out;
        }
    }

    private final Map<NamespacedName, Service> services = new TreeMap<>();
    private final Map<NamespacedName, EndpointSlice> slices = new TreeMap<>();
    private final Set<ServicePortName> changed = new HashSet<>();
    private final Set<NamespacedName> pendingServices = new HashSet<>();
    private int pendingSliceChanges;
    private final Map<NamespacedName, List<Instant>> triggerTimes = new HashMap<>();
    private final Instant startTime;
    private final Runnable onChange;
    private volatile Runnable onServiceEvent = () -> {};
    private volatile Runnable onEndpointSliceEvent = () -> {};

    /** @param onChange called (outside the lock) after every change that matters, e.g. to request a sync */
    public ClusterState(Runnable onChange) {
        this(onChange, Instant.now());
    }

    /**
     * @param startTime trigger times before it are left out of the network programming metric, as kube-proxy
     *                  leaves out changes made before it started
     */
    public ClusterState(Runnable onChange, Instant startTime) {
        this.onChange = onChange;
        this.startTime = startTime;
    }

    /** Called on every Service and every EndpointSlice event, changed or not (kube-proxy's change totals). */
    public void onEvents(Runnable serviceEvent, Runnable endpointSliceEvent) {
        this.onServiceEvent = serviceEvent;
        this.onEndpointSliceEvent = endpointSliceEvent;
    }

    public void putService(Service service) {
        onServiceEvent.run();
        boolean changedNow;
        synchronized (this) {
            var old = services.put(service.name(), service);
            changedNow = !service.equals(old);
            if (changedNow) {
                markService(old);
                markService(service);
                pendingServices.add(service.name());
            }
        }
        if (changedNow) {
            onChange.run();
        }
    }

    public void removeService(NamespacedName name) {
        onServiceEvent.run();
        boolean changedNow;
        synchronized (this) {
            var old = services.remove(name);
            changedNow = old != null;
            markService(old);
            if (changedNow) {
                pendingServices.add(name);
            }
        }
        if (changedNow) {
            onChange.run();
        }
    }

    public void putEndpointSlice(EndpointSlice slice) {
        putEndpointSlice(slice, null);
    }

    /**
     * Stores a slice with the time the control plane changed it ({@code endpoints.kubernetes.io/last-change-trigger-time},
     * null when absent).
     */
    public void putEndpointSlice(EndpointSlice slice, Instant lastChangeTriggerTime) {
        onEndpointSliceEvent.run();
        boolean changedNow;
        synchronized (this) {
            var old = slices.put(slice.name(), slice);
            changedNow = !slice.equals(old);
            if (changedNow) {
                markSlice(old);
                markSlice(slice);
                pendingSliceChanges++;
                if (slice.service() != null) {
                    if (lastChangeTriggerTime != null && lastChangeTriggerTime.isAfter(startTime)) {
                        triggerTimes.computeIfAbsent(slice.service(), k -> new ArrayList<>()).add(lastChangeTriggerTime);
                    }
                }
            }
        }
        if (changedNow) {
            onChange.run();
        }
    }

    public void removeEndpointSlice(NamespacedName name) {
        onEndpointSliceEvent.run();
        boolean changedNow;
        synchronized (this) {
            var old = slices.remove(name);
            changedNow = old != null;
            markSlice(old);
            if (changedNow) {
                pendingSliceChanges++;
            }
            if (changedNow && old.service() != null) {
                // A deletion's trigger time is that of the last update, not of the deletion: not measured.
                triggerTimes.remove(old.service());
            }
        }
        if (changedNow) {
            onChange.run();
        }
    }

    /** The current state and the ports changed since the last call; the change set starts empty again. */
    public synchronized Snapshot takeChanges() {
        var snapshot = new Snapshot(new ProxyState(services.values().stream().toList(),
                slices.values().stream().toList()), changed, triggerTimes);
        changed.clear();
        pendingServices.clear();
        pendingSliceChanges = 0;
        triggerTimes.clear();
        return snapshot;
    }

    /** Services with Service changes not taken yet ({@code kubeproxy_sync_proxy_rules_service_changes_pending}). */
    public synchronized int pendingServiceChanges() {
        return pendingServices.size();
    }

    /**
     * EndpointSlice changes not taken yet, one per slice event that changed something, as kube-proxy counts
     * {@code kubeproxy_sync_proxy_rules_endpoint_changes_pending}.
     */
    public synchronized int pendingEndpointChanges() {
        return pendingSliceChanges;
    }

    /** Whether anything changed since the last snapshot. */
    public synchronized boolean hasChanges() {
        return !changed.isEmpty();
    }

    private void markService(Service service) {
        if (service == null) {
            return;
        }
        for (var port : service.ports()) {
            changed.add(new ServicePortName(service.name(), port.name(), port.protocol()));
        }
        if (service.ports().isEmpty()) {
            // A Service without ports still owns chains to delete if it had ports before.
            changed.add(new ServicePortName(service.name(), "", Protocol.TCP));
        }
    }

    private void markSlice(EndpointSlice slice) {
        if (slice == null || slice.service() == null) {
            return;
        }
        for (var port : slice.ports()) {
            changed.add(new ServicePortName(slice.service(), port.name(), port.protocol()));
        }
        if (slice.ports().isEmpty()) {
            changed.add(new ServicePortName(slice.service(), "", Protocol.TCP));
        }
    }

    /** Counts, for logs. */
    public synchronized Map<String, Integer> sizes() {
        var out = new HashMap<String, Integer>();
        out.put("services", services.size());
        out.put("endpointSlices", slices.size());
        return out;
    }
}
