package dev.berth.scheduler.plugins.imagelocality;

import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Snapshot;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.Pod;

import java.util.List;
import java.util.Map;

/**
 * kube-scheduler's ImageLocality: favors nodes that already hold the images of the pod's containers (init
 * containers included), so the pod starts without pulling them.
 *
 * <p>Each image found on the node contributes its size scaled by its spread (the share of nodes holding
 * it), which keeps a popular image from drawing every pod to the same few nodes. The sum is clamped to
 * [23 MiB, 1000 MiB x number of containers] and mapped linearly onto 0-100.
 */
public final class ImageLocality implements Plugin.Score {
    public static final String NAME = "ImageLocality";

    static final long MB = 1024L * 1024;
    /** Below this sum a node scores 0: such images are quick to pull anyway. */
    static final long MIN_THRESHOLD = 23 * MB;
    /** Per container, the sum at which a node scores the maximum. */
    static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

    private final Handle handle;

    public ImageLocality(Handle handle) {
        this.handle = handle;
    }

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, ImageLocality::new);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Snapshot snapshot = handle.snapshot();
        long sum = sumImageScores(node, pod.initContainers(), snapshot) + sumImageScores(node, pod.containers(), snapshot);
        return calculatePriority(sum, pod.initContainers().size() + pod.containers().size());
    }

    private static long sumImageScores(NodeInfo node, List<Container> containers, Snapshot snapshot) {
        Map<String, Long> images = node.imageSizes();
        long sum = 0;
        for (Container c : containers) {
            String image = normalizedImageName(c.image());
            Long size = images.get(image);
            if (size != null) {
                sum += scaledImageScore(size, snapshot.nodesWithImage(image), snapshot.size());
            }
        }
        return sum;
    }

    /** The image size weighted by the fraction of nodes that hold it. */
    static long scaledImageScore(long size, int nodesWithImage, int totalNodes) {
        if (totalNodes <= 0) {
            return 0;
        }
        double spread = (double) nodesWithImage / (double) totalNodes;
        return (long) ((double) size * spread);
    }

    /** Maps the summed image scores onto 0-100 between the thresholds. */
    static long calculatePriority(long sumScores, int numContainers) {
        long maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
        if (sumScores < MIN_THRESHOLD) {
            sumScores = MIN_THRESHOLD;
        } else if (sumScores > maxThreshold) {
            sumScores = maxThreshold;
        }
        return MAX_NODE_SCORE * (sumScores - MIN_THRESHOLD) / (maxThreshold - MIN_THRESHOLD);
    }

    /**
     * The image reference as the node reports it: ":latest" appended when the name has no tag (a ':'
     * after the last '/'); digests and tagged names are kept as they are.
     */
    static String normalizedImageName(String name) {
        String n = name == null ? "" : name;
        if (n.lastIndexOf(':') <= n.lastIndexOf('/')) {
            n = n + ":latest";
        }
        return n;
    }
}
