package dev.berth.scheduler.framework;

import dev.berth.scheduler.model.Pod;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The map of the scheduler: every extension point a plugin can implement, in the order a pod meets
 * them. Read this file first.
 *
 * <p>One scheduling cycle, for one pod popped from the queue in {@link QueueSort} order:
 * <ol>
 *   <li>{@link PreFilter} once: precompute into the {@link CycleState}, optionally shortlist nodes;</li>
 *   <li>{@link Filter} per node, in parallel: may this pod run there?</li>
 *   <li>if no node passed: {@link PostFilter} (e.g. preemption) and the FailedScheduling report;</li>
 *   <li>{@link PreScore} once, then {@link Score} per feasible node in parallel, then
 *       {@link Score#normalizeScore} per plugin; weighted sums, highest wins, ties at random;</li>
 *   <li>{@link Reserve} (undone by {@code unreserve} on any later failure) and {@link Permit}
 *       (allow, reject, or wait with a timeout).</li>
 * </ol>
 * Then, off the scheduling loop, the binding cycle: wait for Permit, {@link PreBind}, {@link Bind}
 * (the first plugin that does not Skip binds), {@link PostBind}.
 *
 * <p>A plugin is one object per profile implementing any number of these interfaces; it is made by a
 * {@link PluginFactory} and enabled by name in a {@code KubeSchedulerConfiguration} profile. Filter and
 * Score are called from several threads at once and must not mutate shared state. Methods return a
 * {@link Status}; an exception thrown from a plugin is reported as {@link Code#ERROR}.
 */
public interface Plugin {
    /** The name a profile enables this plugin by (e.g. "TaintToleration"). */
    String name();

    /** Orders the active queue: {@code less(a, b)} is true when {@code a} should be scheduled first. */
    interface QueueSort extends Plugin {
        boolean less(QueuedPodInfo a, QueuedPodInfo b);
    }

    /**
     * Names the cluster events after which a pod this plugin rejected may fit; the queue moves such a
     * pod out of the unschedulable set only on one of these. A Filter plugin that does not implement
     * this is taken to care about every event.
     */
    interface EnqueueExtensions {
        Set<ClusterEvent> eventsToRegister();
    }

    /**
     * Runs once per cycle before filtering. May return a node-name shortlist (only those nodes are
     * filtered), {@link Status#SKIP} (this plugin's Filter is skipped for this pod), or a rejection
     * (the pod is unschedulable on every node).
     */
    interface PreFilter extends Plugin {
        PreFilterResult preFilter(CycleState state, Pod pod, List<NodeInfo> nodes);
    }

    /** Whether the pod can run on one node. Called concurrently for many nodes. */
    interface Filter extends Plugin {
        Status filter(CycleState state, Pod pod, NodeInfo node);
    }

    /** Runs when no node passed Filter, with each node's verdict; may nominate a node (preemption). */
    interface PostFilter extends Plugin {
        PostFilterResult postFilter(CycleState state, Pod pod, Map<String, Status> filteredNodeStatuses);
    }

    /** Runs once before scoring, over the feasible nodes. {@link Status#SKIP} skips this plugin's Score. */
    interface PreScore extends Plugin {
        Status preScore(CycleState state, Pod pod, List<NodeInfo> nodes);
    }

    /**
     * Ranks a feasible node. After all nodes are scored, {@link #normalizeScore} may rescale this
     * plugin's scores; afterwards every score must lie in [{@link #MIN_NODE_SCORE}, {@link #MAX_NODE_SCORE}]
     * and is multiplied by the plugin's weight from the profile.
     */
    interface Score extends Plugin {
        long MIN_NODE_SCORE = 0;
        long MAX_NODE_SCORE = 100;

        long score(CycleState state, Pod pod, NodeInfo node);

        /** Rescales {@code scores} in place (index-aligned with {@code nodes}); does nothing by default. */
        default Status normalizeScore(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
            return Status.SUCCESS;
        }
    }

    /** Claims per-pod state once a node is chosen; {@code unreserve} must undo it and be idempotent. */
    interface Reserve extends Plugin {
        Status reserve(CycleState state, Pod pod, String nodeName);

        void unreserve(CycleState state, Pod pod, String nodeName);
    }

    /** The last gate before binding: allow, reject, or {@link Code#WAIT} up to a timeout. */
    interface Permit extends Plugin {
        PermitResult permit(CycleState state, Pod pod, String nodeName);
    }

    /** Work that must succeed before the bind (e.g. provisioning). Runs off the scheduling loop. */
    interface PreBind extends Plugin {
        Status preBind(CycleState state, Pod pod, String nodeName);
    }

    /** Binds the pod to the node. Return {@link Status#SKIP} to leave it to the next Bind plugin. */
    interface Bind extends Plugin {
        Status bind(CycleState state, Pod pod, String nodeName);
    }

    /** Informational, after a successful bind. */
    interface PostBind extends Plugin {
        void postBind(CycleState state, Pod pod, String nodeName);
    }

    /** What {@link PreFilter} returns: a status and, optionally, the only nodes worth filtering. */
    record PreFilterResult(Status status, Set<String> nodeNames) {
        public static final PreFilterResult SUCCESS = new PreFilterResult(Status.SUCCESS, null);
        public static final PreFilterResult SKIP = new PreFilterResult(Status.SKIP, null);

        public PreFilterResult {
            nodeNames = nodeNames == null ? null : Set.copyOf(nodeNames);
        }

        public static PreFilterResult of(Status status) {
            return new PreFilterResult(status, null);
        }

        /** All nodes are eligible. */
        public boolean allNodes() {
            return nodeNames == null;
        }
    }

    /** What {@link PostFilter} returns: a status and the node nominated for the pod, if any. */
    record PostFilterResult(Status status, String nominatedNodeName) {}

    /** What {@link Permit} returns; {@code timeout} matters only with {@link Code#WAIT}. */
    record PermitResult(Status status, Duration timeout) {
        public static final PermitResult ALLOW = new PermitResult(Status.SUCCESS, Duration.ZERO);
    }
}
