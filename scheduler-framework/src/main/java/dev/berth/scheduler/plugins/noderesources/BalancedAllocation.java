package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

import java.util.List;

/**
 * kube-scheduler's NodeResourcesBalancedAllocation: favors nodes whose resources (cpu and memory unless
 * configured otherwise) end up used in similar proportions, and nodes the pod brings closer to that
 * balance. See {@link ResourceAllocationScorer.Balanced} for the formula; plain requests are used, without
 * the non-zero defaults. A pod that requests none of the resources is not scored by this plugin (PreScore
 * returns Skip), so that such pods do not all pile onto the same node.
 */
public final class BalancedAllocation implements Plugin.PreScore, Plugin.Score {
    public static final String NAME = "NodeResourcesBalancedAllocation";

    /** The pod's request per configured resource, written by PreScore. */
    static final CycleState.Key<long[]> PRE_SCORE_KEY = new CycleState.Key<>("PreScore" + NAME);

    private final NodeResourcesBalancedAllocationArgs args;
    private final ResourceAllocationScorer scorer;

    /**
     * @param args null for kube-scheduler's defaults
     * @throws IllegalArgumentException when the args are invalid; the message names the fields
     */
    public BalancedAllocation(NodeResourcesBalancedAllocationArgs args) {
        NodeResourcesBalancedAllocationArgs a =
                args == null ? NodeResourcesBalancedAllocationArgs.defaults() : args.withDefaults();
        a.validate();
        this.args = a;
        this.scorer = new ResourceAllocationScorer(a.resources(), true, new ResourceAllocationScorer.Balanced());
    }

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, NodeResourcesBalancedAllocationArgs.class, (args, handle) -> new BalancedAllocation(args));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The args in effect, defaults filled in. */
    public NodeResourcesBalancedAllocationArgs args() {
        return args;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> nodes) {
        long[] podRequests = scorer.podRequests(PodInfo.of(pod));
        if (ResourceAllocationScorer.requestsNothing(podRequests)) {
            return Status.SKIP;
        }
        state.write(PRE_SCORE_KEY, podRequests);
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        long[] podRequests = state.read(PRE_SCORE_KEY);
        if (podRequests == null) {
            podRequests = scorer.podRequests(PodInfo.of(pod));
            if (ResourceAllocationScorer.requestsNothing(podRequests)) {
                return 0;
            }
        }
        return scorer.score(node, podRequests);
    }
}
