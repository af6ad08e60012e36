package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * kube-scheduler's NodeResourcesFit: filters out nodes without room for the pod's requests (cpu, memory,
 * ephemeral storage, extended resources and hugepages, and the pod count), and scores nodes by one of
 * three strategies over weighted resources: LeastAllocated (the default), MostAllocated, or
 * RequestedToCapacityRatio.
 *
 * <p>Filter reports every shortfall of a node at once ("Insufficient cpu", "Insufficient memory",
 * "Insufficient ephemeral-storage", "Insufficient &lt;name&gt;", "Too many pods"). The status is
 * Unschedulable, or UnschedulableAndUnresolvable when the pod asks for more of a resource than the node
 * has allocatable in total, since evicting pods there cannot help.
 */
public final class Fit implements Plugin.PreFilter, Plugin.Filter, Plugin.PreScore, Plugin.Score,
        Plugin.EnqueueExtensions {
    public static final String NAME = "NodeResourcesFit";

    /** The pod's effective requests, written by PreFilter. */
    static final CycleState.Key<Resources> PRE_FILTER_KEY = new CycleState.Key<>("PreFilter" + NAME);
    /** The pod's request per scored resource, written by PreScore. */
    static final CycleState.Key<long[]> PRE_SCORE_KEY = new CycleState.Key<>("PreScore" + NAME);

    private static final Set<ClusterEvent> EVENTS = Set.of(
            // Freed capacity: a pod deleted or shrunk in place.
            ClusterEvent.POD_DELETE, ClusterEvent.POD_SCALE_DOWN,
            // More capacity: a new node or a larger one. Label and taint changes are included as upstream
            // does when it cannot filter node events with queueing hints.
            ClusterEvent.NODE_ADD, ClusterEvent.NODE_ALLOCATABLE, ClusterEvent.NODE_TAINT, ClusterEvent.NODE_LABEL);

    private final NodeResourcesFitArgs args;
    private final Set<String> ignoredResources;
    private final Set<String> ignoredResourceGroups;
    private final ResourceAllocationScorer scorer;

    /**
     * @param args null for kube-scheduler's defaults
     * @throws IllegalArgumentException when the args are invalid; the message names the fields
     */
    public Fit(NodeResourcesFitArgs args) {
        NodeResourcesFitArgs a = (args == null ? NodeResourcesFitArgs.defaults() : args.withDefaults());
        a.validate();
        this.args = a;
        this.ignoredResources = Set.copyOf(a.ignoredResources());
        this.ignoredResourceGroups = Set.copyOf(a.ignoredResourceGroups());
        var strategy = a.scoringStrategy();
        var resources = strategy.resources();
        ResourceAllocationScorer.Strategy scoring = switch (strategy.type()) {
            case NodeResourcesFitArgs.MOST_ALLOCATED -> new ResourceAllocationScorer.MostAllocated(resources);
            case NodeResourcesFitArgs.REQUESTED_TO_CAPACITY_RATIO ->
                    ResourceAllocationScorer.RequestedToCapacityRatio.of(resources, strategy.requestedToCapacityRatio().shape());
            default -> new ResourceAllocationScorer.LeastAllocated(resources);
        };
        this.scorer = new ResourceAllocationScorer(resources, false, scoring);
    }

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, NodeResourcesFitArgs.class, (args, handle) -> new Fit(args));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The args in effect, defaults filled in. */
    public NodeResourcesFitArgs args() {
        return args;
    }

    @Override
    public Set<ClusterEvent> eventsToRegister() {
        return EVENTS;
    }

    @Override
    public PreFilterResult preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        state.write(PRE_FILTER_KEY, PodInfo.of(pod).requests());
        return PreFilterResult.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        Resources request = state.read(PRE_FILTER_KEY);
        if (request == null) {
            request = PodInfo.of(pod).requests();
        }
        List<Insufficient> shortfalls = insufficientResources(request, node);
        if (shortfalls.isEmpty()) {
            return Status.SUCCESS;
        }
        List<String> reasons = new ArrayList<>(shortfalls.size());
        Code code = Code.UNSCHEDULABLE;
        for (Insufficient s : shortfalls) {
            reasons.add(s.reason());
            if (s.unresolvable()) {
                code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
            }
        }
        return new Status(code, reasons, null, null);
    }

    /**
     * One resource the node lacks for the pod.
     *
     * @param unresolvable the pod asks for more than the node's whole allocatable amount
     */
    record Insufficient(String resource, String reason, long requested, long used, long capacity, boolean unresolvable) {}

    /** Every shortfall of {@code node} for a pod with these effective requests, in upstream's order. */
    List<Insufficient> insufficientResources(Resources request, NodeInfo node) {
        List<Insufficient> out = new ArrayList<>(4);
        Resources alloc = node.allocatable();
        Resources used = node.requested();
        long podCount = node.pods().size();
        if (podCount + 1 > alloc.pods()) {
            out.add(new Insufficient(Resources.PODS, "Too many pods", 1, podCount, alloc.pods(), false));
        }
        boolean requestsAnything = request.milliCpu() != 0 || request.memory() != 0
                || request.ephemeralStorage() != 0 || !request.scalars().isEmpty();
        if (!requestsAnything) {
            return out;
        }
        check(out, Resources.CPU, request.milliCpu(), used.milliCpu(), alloc.milliCpu());
        check(out, Resources.MEMORY, request.memory(), used.memory(), alloc.memory());
        check(out, Resources.EPHEMERAL_STORAGE, request.ephemeralStorage(), used.ephemeralStorage(), alloc.ephemeralStorage());
        // Sorted so that the reasons come out in a stable order.
        for (var e : new TreeMap<>(request.scalars()).entrySet()) {
            String name = e.getKey();
            if (e.getValue() == 0 || isIgnored(name)) {
                continue;
            }
            check(out, name, e.getValue(), used.scalar(name), alloc.scalar(name));
        }
        return out;
    }

    private static void check(List<Insufficient> out, String name, long requested, long used, long capacity) {
        if (requested > 0 && requested > capacity - used) {
            out.add(new Insufficient(name, "Insufficient " + name, requested, used, capacity, requested > capacity));
        }
    }

    private boolean isIgnored(String resource) {
        if (!Resources.isExtended(resource)) {
            return false;
        }
        if (ignoredResources.contains(resource)) {
            return true;
        }
        int slash = resource.indexOf('/');
        return !ignoredResourceGroups.isEmpty() && ignoredResourceGroups.contains(resource.substring(0, slash));
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> nodes) {
        state.write(PRE_SCORE_KEY, scorer.podRequests(PodInfo.of(pod)));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        long[] podRequests = state.read(PRE_SCORE_KEY);
        if (podRequests == null) {
            podRequests = scorer.podRequests(PodInfo.of(pod));
        }
        return scorer.score(node, podRequests);
    }

    @Override
    public String toString() {
        return NAME + "[" + args.scoringStrategy().type() + "]";
    }
}
