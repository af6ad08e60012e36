package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.model.Resources;
import dev.berth.scheduler.plugins.helper.BrokenLinearFunction;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.ResourceSpec;

import java.util.List;

/**
 * The scoring core shared by {@link Fit} and {@link BalancedAllocation}, after kube-scheduler's
 * {@code resourceAllocationScorer}: per configured resource it gathers the node's allocatable amount, the
 * amount already requested on the node, and that amount plus the pod's request, then hands the vectors to
 * a {@link Strategy}.
 *
 * <p>A resource is left out (all zeros, which every strategy skips) when the node has none of it
 * allocatable, when it is a scalar resource the pod does not request, or when the scheduler does not
 * account for it on nodes (e.g. {@code pods}).
 *
 * @param useRequested false: cpu and memory count with the non-zero defaults for containers that request
 *                     none (Fit); true: plain requests (BalancedAllocation)
 */
record ResourceAllocationScorer(List<ResourceSpec> resources, boolean useRequested, Strategy strategy) {
    private static final long MAX = Plugin.Score.MAX_NODE_SCORE;

    ResourceAllocationScorer {
        resources = List.copyOf(resources);
    }

    /** Turns the per-resource vectors (index-aligned with the resources) into a node score. */
    sealed interface Strategy permits LeastAllocated, MostAllocated, RequestedToCapacityRatio, Balanced {
        /**
         * @param requested   on the node including the pod
         * @param allocated   on the node before the pod
         * @param allocatable on the node; 0 marks a resource to skip
         */
        long score(long[] requested, long[] allocated, long[] allocatable);
    }

    /** The weighted mean of a per-resource score over the resources the node has (allocatable > 0). */
    static long weightedMean(List<ResourceSpec> resources, long[] requested, long[] allocatable,
                             java.util.function.LongBinaryOperator perResource) {
        long nodeScore = 0, weightSum = 0;
        for (int i = 0; i < requested.length; i++) {
            if (allocatable[i] == 0) {
                continue;
            }
            long weight = resources.get(i).weight();
            nodeScore += perResource.applyAsLong(requested[i], allocatable[i]) * weight;
            weightSum += weight;
        }
        return weightSum == 0 ? 0 : nodeScore / weightSum;
    }

    /** Favors nodes with more capacity left: per resource (free * 100 / capacity), weighted mean. */
    record LeastAllocated(List<ResourceSpec> resources) implements Strategy {
        @Override
        public long score(long[] requested, long[] allocated, long[] allocatable) {
            return weightedMean(resources, requested, allocatable, LeastAllocated::leastRequestedScore);
        }

        static long leastRequestedScore(long requested, long capacity) {
            if (capacity == 0 || requested > capacity) {
                return 0;
            }
            return (capacity - requested) * MAX / capacity;
        }
    }

    /** Favors fuller nodes (bin packing): per resource (used * 100 / capacity, capped), weighted mean. */
    record MostAllocated(List<ResourceSpec> resources) implements Strategy {
        @Override
        public long score(long[] requested, long[] allocated, long[] allocatable) {
            return weightedMean(resources, requested, allocatable, MostAllocated::mostRequestedScore);
        }

        static long mostRequestedScore(long requested, long capacity) {
            if (capacity == 0) {
                return 0;
            }
            // Non-zero defaults can push requests past capacity; such a node counts as full.
            return Math.min(requested, capacity) * MAX / capacity;
        }
    }

    /**
     * Maps each resource's utilization percentage through a user-defined curve; the weighted mean counts
     * only resources scoring above 0 and is rounded to the nearest integer.
     */
    record RequestedToCapacityRatio(List<ResourceSpec> resources, BrokenLinearFunction function) implements Strategy {
        static final long MAX_UTILIZATION = 100;

        /** The strategy for a validated shape, its 0-10 scores scaled to the 0-100 node score range. */
        static RequestedToCapacityRatio of(List<ResourceSpec> resources, List<NodeResourcesFitArgs.UtilizationShapePoint> shape) {
            long scale = MAX / NodeResourcesFitArgs.MAX_CUSTOM_PRIORITY_SCORE;
            List<BrokenLinearFunction.Point> points = shape.stream()
                    .map(p -> new BrokenLinearFunction.Point(p.utilization(), p.score() * scale))
                    .toList();
            return new RequestedToCapacityRatio(resources, BrokenLinearFunction.of(points));
        }

        @Override
        public long score(long[] requested, long[] allocated, long[] allocatable) {
            long nodeScore = 0, weightSum = 0;
            for (int i = 0; i < requested.length; i++) {
                if (allocatable[i] == 0) {
                    continue;
                }
                long resourceScore = resourceScore(requested[i], allocatable[i]);
                if (resourceScore > 0) {
                    long weight = resources.get(i).weight();
                    nodeScore += resourceScore * weight;
                    weightSum += weight;
                }
            }
            return weightSum == 0 ? 0 : Math.round((double) nodeScore / weightSum);
        }

        private long resourceScore(long requested, long capacity) {
            if (capacity == 0 || requested > capacity) {
                return function.applyAsLong(MAX_UTILIZATION);
            }
            return function.applyAsLong(requested * MAX_UTILIZATION / capacity);
        }
    }

    /**
     * Favors nodes whose resources are used in balanced proportions, and (as in current upstream) the
     * change the pod makes to that balance: each balance is {@code (1 - std of used fractions) * 100}, a
     * value in [50, 100]; the score is {@code 50 + (50 + withPod - withoutPod) / 2}, so 75 means no change,
     * 100 the most improvement and 50 the most harm.
     */
    record Balanced() implements Strategy {
        @Override
        public long score(long[] requested, long[] allocated, long[] allocatable) {
            long withPod = balance(requested, allocatable);
            long withoutPod = balance(allocated, allocatable);
            return MAX / 2 + (MAX / 2 + withPod - withoutPod) / 2;
        }

        static long balance(long[] used, long[] allocatable) {
            double[] fractions = new double[used.length];
            int n = 0;
            double total = 0;
            for (int i = 0; i < used.length; i++) {
                if (allocatable[i] == 0) {
                    continue;
                }
                double fraction = Math.min(1.0, (double) used[i] / (double) allocatable[i]);
                total += fraction;
                fractions[n++] = fraction;
            }
            double std = 0;
            if (n == 2) {
                // Two resources: the standard deviation is half their difference.
                std = Math.abs((fractions[0] - fractions[1]) / 2);
            } else if (n > 2) {
                double mean = total / n;
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += (fractions[i] - mean) * (fractions[i] - mean);
                }
                std = Math.sqrt(sum / n);
            }
            return (long) ((1 - std) * MAX);
        }
    }

    /** The pod's request of each configured resource, index-aligned with {@link #resources()}. */
    long[] podRequests(PodInfo pod) {
        Resources r = useRequested ? pod.requests() : pod.nonZeroRequests();
        long[] out = new long[resources.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.get(resources.get(i).name());
        }
        return out;
    }

    /** Whether the pod requests none of the configured resources. */
    static boolean requestsNothing(long[] podRequests) {
        for (long r : podRequests) {
            if (r != 0) {
                return false;
            }
        }
        return true;
    }

    /** The node's score for a pod with these requests (from {@link #podRequests}). */
    long score(NodeInfo node, long[] podRequests) {
        int n = resources.size();
        long[] requested = new long[n];
        long[] allocated = new long[n];
        long[] allocatable = new long[n];
        for (int i = 0; i < n; i++) {
            String name = resources.get(i).name();
            long podRequest = podRequests[i];
            // A scalar resource the pod does not ask for would only skew the score: every node looks alike.
            if (podRequest == 0 && Resources.isScalar(name)) {
                continue;
            }
            Resources used = useRequested ? node.requested() : node.nonZeroRequested();
            Resources alloc = node.allocatable();
            long capacity, already;
            switch (name) {
                case Resources.CPU -> {
                    capacity = alloc.milliCpu();
                    already = used.milliCpu();
                }
                case Resources.MEMORY -> {
                    capacity = alloc.memory();
                    already = used.memory();
                }
                case Resources.EPHEMERAL_STORAGE -> {
                    capacity = alloc.ephemeralStorage();
                    already = node.requested().ephemeralStorage();
                }
                default -> {
                    // Scalars only; "pods" and names the node does not report are not scored.
                    Long scalar = alloc.scalars().get(name);
                    if (scalar == null) {
                        continue;
                    }
                    capacity = scalar;
                    already = node.requested().scalar(name);
                }
            }
            if (capacity == 0) {
                continue;
            }
            allocatable[i] = capacity;
            allocated[i] = already;
            requested[i] = already + podRequest;
        }
        return strategy.score(requested, allocated, allocatable);
    }
}
