package dev.berth.scheduler.framework;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as one scheduling cycle sees it: every node with its pods, frozen. Plugins reach it
 * through {@link Handle#snapshot()}.
 */
public final class Snapshot {
    private final List<NodeInfo> nodes;
    private final Map<String, Integer> index;
    private final Map<String, Integer> nodesWithImage;

    /**
     * @param nodes          every node, in a stable order (the order filtering starts from)
     * @param nodesWithImage per image name, how many nodes hold it (ImageLocality's spread)
     */
    public Snapshot(List<NodeInfo> nodes, Map<String, Integer> nodesWithImage) {
        this.nodes = List.copyOf(nodes);
        Map<String, Integer> idx = HashMap.newHashMap(nodes.size());
        for (int i = 0; i < this.nodes.size(); i++) {
            idx.put(this.nodes.get(i).name(), i);
        }
        this.index = idx;
        this.nodesWithImage = Map.copyOf(nodesWithImage);
    }

    private Snapshot(NodeInfo[] nodes, Map<String, Integer> index, Map<String, Integer> nodesWithImage) {
        this.nodes = java.util.Collections.unmodifiableList(java.util.Arrays.asList(nodes));
        this.index = index;
        this.nodesWithImage = nodesWithImage;
    }

    /**
     * A snapshot over structures the caller hands over and never changes again: the cache builds one
     * per cycle this way without re-indexing thousands of nodes.
     *
     * @param index name to position in {@code nodes}
     */
    public static Snapshot handOver(NodeInfo[] nodes, Map<String, Integer> index, Map<String, Integer> nodesWithImage) {
        return new Snapshot(nodes, index, nodesWithImage);
    }

    /** A snapshot of these nodes, counting image spread from their images. */
    public static Snapshot of(List<NodeInfo> nodes) {
        Map<String, Integer> images = new HashMap<>();
        for (NodeInfo n : nodes) {
            for (String image : n.imageSizes().keySet()) {
                images.merge(image, 1, Integer::sum);
            }
        }
        return new Snapshot(nodes, images);
    }

    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The node of that name, or null. */
    public NodeInfo get(String name) {
        Integer i = index.get(name);
        return i == null ? null : nodes.get(i);
    }

    public int size() {
        return nodes.size();
    }

    /** How many nodes hold an image of this exact name. */
    public int nodesWithImage(String imageName) {
        return nodesWithImage.getOrDefault(imageName, 0);
    }
}
