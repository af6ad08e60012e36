package dev.berth.scheduler.plugins.imagelocality;

import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Snapshot;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.berth.scheduler.plugins.imagelocality.ImageLocality.MB;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ImageLocality scoring, with the cases of upstream's image_locality_test.go. */
class ImageLocalityTest {
    // Each builder names a node holding a set of images, as upstream's node statuses do.
    private static final Function<String, Node> NODE_40_300_2000 = name -> Node.builder(name)
            .image(40 * MB, "gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1")
            .image(300 * MB, "gcr.io/300:latest", "gcr.io/300:v1")
            .image(2000 * MB, "gcr.io/2000:latest").build();
    private static final Function<String, Node> NODE_250_10 = name -> Node.builder(name)
            .image(250 * MB, "gcr.io/250:latest")
            .image(10 * MB, "gcr.io/10:latest", "gcr.io/10:v1").build();
    private static final Function<String, Node> NODE_600_40_900 = name -> Node.builder(name)
            .image(600 * MB, "gcr.io/600:latest")
            .image(40 * MB, "gcr.io/40:latest")
            .image(900 * MB, "gcr.io/900:latest").build();
    private static final Function<String, Node> NODE_300_600_900 = name -> Node.builder(name)
            .image(300 * MB, "gcr.io/300:latest")
            .image(600 * MB, "gcr.io/600:latest")
            .image(900 * MB, "gcr.io/900:latest").build();
    private static final Function<String, Node> NODE_4000_30 = name -> Node.builder(name)
            .image(4000 * MB, "gcr.io/4000:latest")
            .image(30 * MB, "gcr.io/30:latest").build();
    private static final Function<String, Node> NODE_20_30_40 = name -> Node.builder(name)
            .image(20 * MB, "gcr.io/20:latest")
            .image(30 * MB, "gcr.io/30:latest")
            .image(40 * MB, "gcr.io/40:latest").build();
    private static final Function<String, Node> NO_IMAGES = name -> Node.builder(name).build();

    record Case(String name, Pod pod, List<Node> nodes, List<Long> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Pod pod(List<String> initImages, String... images) {
        Pod.Builder b = Pod.builder("p");
        for (int i = 0; i < images.length; i++) {
            b.container(Container.of("c" + i, images[i], Resources.ZERO));
        }
        for (int i = 0; i < initImages.size(); i++) {
            b.initContainer(Container.of("init" + i, initImages.get(i), Resources.ZERO));
        }
        return b.build();
    }

    private static Pod pod(String... images) {
        return pod(List.of(), images);
    }

    @SafeVarargs
    private static List<Node> nodes(Function<String, Node>... builders) {
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < builders.length; i++) {
            out.add(builders[i].apply("node" + (i + 1)));
        }
        return out;
    }

    private static Case c(String name, Pod pod, List<Node> nodes, Long... expected) {
        return new Case(name, pod, nodes, Arrays.asList(expected));
    }

    static Stream<Case> cases() {
        Pod minMax = pod("gcr.io/10", "gcr.io/4000");
        return Stream.of(
                // node1: 40M / 2 nodes is under the 23M floor; node2: 100 * (250M/2 - 23M) / (2000M - 23M) = 5.
                c("two images spread on two nodes, prefer the larger image one", pod("gcr.io/40", "gcr.io/250"),
                        nodes(NODE_40_300_2000, NODE_250_10), 0L, 5L),
                // node1: 100 * ((40M + 300M) / 2 - 23M) / (2000M - 23M) = 7.
                c("two images on one node, prefer this node", pod("gcr.io/40", "gcr.io/300"),
                        nodes(NODE_40_300_2000, NODE_250_10), 7L, 0L),
                // node1: 4000M / 2 reaches the 2 x 1000M ceiling.
                c("if exceed limit, use limit", minMax, nodes(NODE_4000_30, NODE_250_10), 100L, 0L),
                // node1: 100 * (4000M / 3 - 23M) / (2000M - 23M) = 66.
                c("if exceed limit, use limit (with node which has no images present)", minMax,
                        nodes(NODE_4000_30, NODE_250_10, NO_IMAGES), 66L, 0L, 0L),
                // node1: (600M + 900M) * 2/3; node2: 300M * 1/3 + (600M + 900M) * 2/3; ceiling 3 x 1000M.
                c("pod with multiple large images, node2 is preferred", pod("gcr.io/300", "gcr.io/600", "gcr.io/900"),
                        nodes(NODE_600_40_900, NODE_300_600_900, NO_IMAGES), 32L, 36L, 0L),
                // node1: 30M + 40M / 2 - 23M over 1977M = 1.
                c("pod with multiple small images", pod("gcr.io/30", "gcr.io/40"),
                        nodes(NODE_20_30_40, NODE_4000_30), 1L, 0L),
                // The init container's image counts, and so does the init container in the ceiling.
                c("include InitContainers: two images spread on two nodes, prefer the larger image one",
                        pod(List.of("gcr.io/300"), "gcr.io/30"), nodes(NODE_40_300_2000, NODE_20_30_40), 6L, 0L),
                // Not upstream: a tagged or digest reference matches only that exact name on the node.
                // 300M counts (its :v1 name is on the node), 2000M does not (only :latest is): 100 * 277M / 1977M = 14.
                c("tagged reference matches the tag only", pod("gcr.io/300:v1", "gcr.io/2000:v1"),
                        nodes(NODE_40_300_2000), 14L),
                c("pod without containers scores 0", pod(), nodes(NODE_40_300_2000), 0L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void score(Case c) {
        List<NodeInfo> infos = c.nodes().stream().map(NodeInfo::of).toList();
        ImageLocality plugin = new ImageLocality(new SnapshotHandle(Snapshot.of(infos)));
        List<Long> got = new ArrayList<>();
        for (NodeInfo n : infos) {
            got.add(plugin.score(new CycleState(), c.pod(), n));
        }
        assertEquals(c.expected(), got);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "add :latest postfix 1, root, root:latest",
            "add :latest postfix 2, gcr.io:5000/root, gcr.io:5000/root:latest",
            "keep it as is 1, root:tag, root:tag",
            "keep it as is 2, root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2, "
                    + "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2",
    })
    void normalizedImageName(String name, String input, String output) {
        assertEquals(output, ImageLocality.normalizedImageName(input));
    }
}
