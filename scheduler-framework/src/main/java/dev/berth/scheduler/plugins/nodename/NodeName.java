package dev.berth.scheduler.plugins.nodename;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

import java.util.Set;

/**
 * Rejects every node but the one named in the pod's {@code spec.nodeName}, when it is set.
 *
 * <p>Like upstream (kubernetes master), this plugin has no PreFilter and so returns no node shortlist.
 */
public final class NodeName implements Plugin.Filter, Plugin.EnqueueExtensions {
    public static final String NAME = "NodeName";

    /** The Filter reason for any other node. */
    public static final String ERR_REASON = "node(s) didn't match the requested node name";

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, handle -> new NodeName());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> eventsToRegister() {
        // Only the named node appearing can help.
        return Set.of(ClusterEvent.NODE_ADD);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        return fits(pod, node) ? Status.SUCCESS : Status.unresolvable(ERR_REASON);
    }

    /** Whether the pod names no node or names this one. */
    public static boolean fits(Pod pod, NodeInfo node) {
        return pod.nodeName().isEmpty() || pod.nodeName().equals(node.name());
    }
}
