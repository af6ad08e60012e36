package dev.berth.scheduler.plugins.nodeunschedulable;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.plugins.tainttoleration.Tolerations;

import java.util.Set;

/**
 * Rejects nodes marked {@code spec.unschedulable} (cordoned), unless the pod tolerates the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint that stands for that flag.
 */
public final class NodeUnschedulable implements Plugin.Filter, Plugin.EnqueueExtensions {
    public static final String NAME = "NodeUnschedulable";

    /** The Filter reason for a cordoned node. */
    public static final String ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";

    /** The taint key the node lifecycle controller puts on cordoned nodes. */
    public static final String TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

    private static final Taint UNSCHEDULABLE_TAINT = new Taint(TAINT_NODE_UNSCHEDULABLE, "", TaintEffect.NO_SCHEDULE);

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, handle -> new NodeUnschedulable());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> eventsToRegister() {
        // Upstream reports a spec.unschedulable flip as a taint update; Berth has its own action for it.
        return Set.of(ClusterEvent.NODE_ADD, ClusterEvent.NODE_TAINT, ClusterEvent.NODE_UNSCHEDULABLE,
                ClusterEvent.POD_TOLERATIONS);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (!node.node().unschedulable() || Tolerations.anyTolerates(pod.tolerations(), UNSCHEDULABLE_TAINT)) {
            return Status.SUCCESS;
        }
        return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
    }
}
