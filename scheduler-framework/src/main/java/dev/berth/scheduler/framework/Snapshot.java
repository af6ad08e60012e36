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
    private final Map<String, NodeInfo> byName;
    private final Map<String, Integer> nodesWithImage;

    /**
     * @param nodes          every node, in a stable order (the order filtering starts from)
     * @param nodesWithImage per image name, how many nodes hold it (ImageLocality's spread)
     */
    public Snapshot(List<NodeInfo> nodes, Map<String, Integer> nodesWithImage) {
        this.nodes = List.copyOf(nodes);
        this.byName = HashMap.newHashMap(nodes.size());
        for (NodeInfo n : this.nodes) {
            byName.put(n.name(), n);
        }
        this.nodesWithImage = nodesWithImage;
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

    public NodeInfo get(String name) {
        return byName.get(name);
    }

    public int size() {
        return nodes.size();
    }

    /** How many nodes hold an image of this exact name. */
    public int nodesWithImage(String imageName) {
        return nodesWithImage.getOrDefault(imageName, 0);
    }
}
