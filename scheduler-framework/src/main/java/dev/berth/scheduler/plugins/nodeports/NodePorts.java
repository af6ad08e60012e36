package dev.berth.scheduler.plugins.nodeports;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.ContainerPort;
import dev.berth.scheduler.model.Pod;

import java.util.List;
import java.util.Set;

/**
 * Rejects nodes where a host port the pod asks for is already taken.
 *
 * <p>Two host ports conflict when protocol and port number are equal and the host IPs overlap: the
 * wildcard {@code 0.0.0.0} (which an empty hostIP means) overlaps every IP, other IPs only themselves.
 * IPs are compared as written, as upstream does.
 */
public final class NodePorts implements Plugin.PreFilter, Plugin.Filter, Plugin.EnqueueExtensions {
    public static final String NAME = "NodePorts";

    /** The Filter reason; the code is Unschedulable since evicting the holder would free the port. */
    public static final String ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

    /** The host IP that binds every address. */
    public static final String BIND_ALL_HOST_IP = "0.0.0.0";

    /** The pod's host ports, collected once per cycle in PreFilter. */
    record PreFilterState(List<ContainerPort> wantPorts) {}

    static final CycleState.Key<PreFilterState> PRE_FILTER_KEY = new CycleState.Key<>("PreFilter" + NAME);

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, handle -> new NodePorts());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> eventsToRegister() {
        // Ports are immutable in a pod spec, so only a pod going away or a new node can free one.
        return Set.of(ClusterEvent.POD_DELETE, ClusterEvent.NODE_ADD);
    }

    @Override
    public PreFilterResult preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        List<ContainerPort> ports = PodInfo.of(pod).hostPorts();
        if (ports.isEmpty()) {
            return PreFilterResult.SKIP;
        }
        state.write(PRE_FILTER_KEY, new PreFilterState(ports));
        return PreFilterResult.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        PreFilterState s = state.read(PRE_FILTER_KEY);
        List<ContainerPort> want = s != null ? s.wantPorts() : PodInfo.of(pod).hostPorts();
        return fitsPorts(want, node.usedPorts()) ? Status.SUCCESS : Status.unschedulable(ERR_REASON);
    }

    /** Whether the pod's host ports are all free on the node. */
    public static boolean fits(Pod pod, NodeInfo node) {
        return fitsPorts(PodInfo.of(pod).hostPorts(), node.usedPorts());
    }

    /** Whether none of {@code want} conflicts with any of {@code used}. */
    public static boolean fitsPorts(List<ContainerPort> want, List<ContainerPort> used) {
        for (ContainerPort w : want) {
            for (ContainerPort u : used) {
                if (conflict(w, u)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a wanted host port collides with one in use. Ports of 0 or less claim nothing. */
    public static boolean conflict(ContainerPort want, ContainerPort used) {
        if (want.hostPort() <= 0 || used.hostPort() <= 0 || want.hostPort() != used.hostPort()
                || !protocol(want).equals(protocol(used))) {
            return false;
        }
        String wantIp = hostIp(want);
        String usedIp = hostIp(used);
        return wantIp.equals(BIND_ALL_HOST_IP) || usedIp.equals(BIND_ALL_HOST_IP) || wantIp.equals(usedIp);
    }

    private static String hostIp(ContainerPort p) {
        return p.hostIP().isEmpty() ? BIND_ALL_HOST_IP : p.hostIP();
    }

    private static String protocol(ContainerPort p) {
        return p.protocol().isEmpty() ? "TCP" : p.protocol();
    }
}
