package dev.berth.scheduler.plugins.tainttoleration;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;
import dev.berth.scheduler.plugins.helper.ScoreNormalizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps pods off nodes whose NoSchedule or NoExecute taints they do not tolerate, and prefers nodes
 * with fewer untolerated PreferNoSchedule taints.
 *
 * <p>Score is the number of the node's PreferNoSchedule taints the pod does not tolerate; the
 * normalisation reverses it, so the node with the most such taints scores 0 and a node with none 100.
 */
public final class TaintToleration implements Plugin.Filter, Plugin.PreScore, Plugin.Score, Plugin.EnqueueExtensions {
    public static final String NAME = "TaintToleration";

    /**
     * The Filter reason. Upstream stopped naming the taint in the message (kubernetes#134740): taint
     * keys and values may be sensitive, and the message is written to the pod's status.
     */
    public static final String ERR_REASON_UNTOLERATED = "node(s) had untolerated taint(s)";

    /** The tolerations that can match PreferNoSchedule taints, computed once per pod in PreScore. */
    record PreScoreState(List<Toleration> preferNoScheduleTolerations) {}

    static final CycleState.Key<PreScoreState> PRE_SCORE_KEY = new CycleState.Key<>("PreScore" + NAME);

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, handle -> new TaintToleration());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> eventsToRegister() {
        // A new node or a taint change may remove the blocking taint; a pod may gain a toleration.
        return Set.of(ClusterEvent.NODE_ADD, ClusterEvent.NODE_TAINT, ClusterEvent.POD_TOLERATIONS);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (Tolerations.findUntolerated(node.node().taints(), pod.tolerations(), Tolerations::isDoNotSchedule).isEmpty()) {
            return Status.SUCCESS;
        }
        return Status.unresolvable(ERR_REASON_UNTOLERATED);
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> nodes) {
        state.write(PRE_SCORE_KEY, new PreScoreState(preferNoScheduleTolerations(pod)));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        PreScoreState s = state.read(PRE_SCORE_KEY);
        List<Toleration> tolerations = s != null ? s.preferNoScheduleTolerations() : preferNoScheduleTolerations(pod);
        long intolerable = 0;
        for (Taint taint : node.node().taints()) {
            if (taint.effect() == TaintEffect.PREFER_NO_SCHEDULE && !Tolerations.anyTolerates(tolerations, taint)) {
                intolerable++;
            }
        }
        return intolerable;
    }

    @Override
    public Status normalizeScore(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
        return ScoreNormalizer.defaultNormalize(MAX_NODE_SCORE, true, scores);
    }

    /** Tolerations with effect PreferNoSchedule or no effect (which covers every effect). */
    static List<Toleration> preferNoScheduleTolerations(Pod pod) {
        List<Toleration> out = new ArrayList<>();
        for (Toleration t : pod.tolerations()) {
            if (t.effect() == null || t.effect() == TaintEffect.PREFER_NO_SCHEDULE) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }
}
