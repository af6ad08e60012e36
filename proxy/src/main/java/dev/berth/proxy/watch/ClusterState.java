package dev.berth.proxy.watch;

import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Protocol;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServicePortName;
import dev.berth.proxy.rules.ProxyState;
import java.util.HashMap;
import java.util.HashSet;
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
    /** A consistent copy of the state and what changed since the previous snapshot. */
    public record Snapshot(ProxyState state, Set<ServicePortName> changedPorts) {
        public Snapshot {
            changedPorts = Set.copyOf(changedPorts);
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
    private final Runnable onChange;

    /** @param onChange called (outside the lock) after every change that matters, e.g. to request a sync */
    public ClusterState(Runnable onChange) {
        this.onChange = onChange;
    }

    public void putService(Service service) {
        boolean changedNow;
        synchronized (this) {
            var old = services.put(service.name(), service);
            changedNow = !service.equals(old);
            if (changedNow) {
                markService(old);
                markService(service);
            }
        }
        if (changedNow) {
            onChange.run();
        }
    }

    public void removeService(NamespacedName name) {
        boolean changedNow;
        synchronized (this) {
            var old = services.remove(name);
            changedNow = old != null;
            markService(old);
        }
        if (changedNow) {
            onChange.run();
        }
    }

    public void putEndpointSlice(EndpointSlice slice) {
        boolean changedNow;
        synchronized (this) {
            var old = slices.put(slice.name(), slice);
            changedNow = !slice.equals(old);
            if (changedNow) {
                markSlice(old);
                markSlice(slice);
            }
        }
        if (changedNow) {
            onChange.run();
        }
    }

    public void removeEndpointSlice(NamespacedName name) {
        boolean changedNow;
        synchronized (this) {
            var old = slices.remove(name);
            changedNow = old != null;
            markSlice(old);
        }
        if (changedNow) {
            onChange.run();
        }
    }

    /** The current state and the ports changed since the last call; the change set starts empty again. */
    public synchronized Snapshot takeChanges() {
        var snapshot = new Snapshot(new ProxyState(services.values().stream().toList(),
                slices.values().stream().toList()), changed);
        changed.clear();
        return snapshot;
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
