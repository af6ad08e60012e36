package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.RequestedToCapacityRatioParam;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.ResourceSpec;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.ScoringStrategy;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.UtilizationShapePoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.LEAST_ALLOCATED;
import static dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.MOST_ALLOCATED;
import static dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.REQUESTED_TO_CAPACITY_RATIO;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * NodeResourcesFit's PreScore/Score under its three strategies, from upstream's fit_test.go (TestFitScore),
 * least_allocated_test.go, most_allocated_test.go and requested_to_capacity_ratio_test.go.
 *
 * <p>Quantities are written as upstream's tests write them: "cpu: 4000" is 4000 cores.
 */
class FitScoreTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final String EXT = "abc.com/xyz";
    private static final List<ResourceSpec> DEFAULT = NodeResourcesFitArgs.DEFAULT_RESOURCES;
    private static final List<ResourceSpec> WITH_EXT =
            List.of(new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1), new ResourceSpec(EXT, 1));
    private static final List<UtilizationShapePoint> LEAST_SHAPE =
            List.of(new UtilizationShapePoint(0, 10), new UtilizationShapePoint(100, 0));

    record Case(String name, NodeResourcesFitArgs args, Pod pod, List<Node> nodes, List<Pod> existing,
                List<Long> expected, boolean runPreScore) {
        @Override
        public String toString() {
            return name + (runPreScore ? "" : " (PreScore not called)");
        }
    }

    static NodeResourcesFitArgs strategy(String type, List<ResourceSpec> resources) {
        return new NodeResourcesFitArgs(null, null, new ScoringStrategy(type, resources, null));
    }

    static NodeResourcesFitArgs ratio(List<ResourceSpec> resources, List<UtilizationShapePoint> shape) {
        return new NodeResourcesFitArgs(null, null,
                new ScoringStrategy(REQUESTED_TO_CAPACITY_RATIO, resources, new RequestedToCapacityRatioParam(shape)));
    }

    /** A pod with one container per list of resource/quantity pairs. */
    static Pod pod(String... pairs) {
        return Pod.builder("p" + SEQ.incrementAndGet()).requests(pairs).build();
    }

    static Pod pod2(String[] first, String[] second) {
        return Pod.builder("p" + SEQ.incrementAndGet()).requests(first).requests(second).build();
    }

    static Pod empty() {
        return Pod.builder("p" + SEQ.incrementAndGet()).build();
    }

    static Pod on(String node, Pod p) {
        return p.withNodeName(node);
    }

    static Node node(String name, String... allocatable) {
        return Node.builder(name).allocatable(allocatable).build();
    }

    static String[] req(String... pairs) {
        return pairs;
    }

    static Case scored(String name, NodeResourcesFitArgs args, Pod pod, List<Node> nodes, List<Pod> existing, long... expected) {
        List<Long> e = new ArrayList<>();
        for (long x : expected) {
            e.add(x);
        }
        return new Case(name, args, pod, nodes, existing, e, true);
    }

    static Case withoutPreScore(Case c) {
        return new Case(c.name(), c.args(), c.pod(), c.nodes(), c.existing(), c.expected(), false);
    }

    // fit_test.go TestFitScore: the same two nodes under each strategy, with and without PreScore.
    static Stream<Case> fitScore() {
        List<Node> nodes = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "6000", "memory", "10000"));
        List<Pod> existing = List.of(on("node1", pod("cpu", "2000", "memory", "4000")), on("node2", pod("cpu", "1000", "memory", "2000")));
        List<Case> cases = List.of(
                scored("test case for ScoringStrategy RequestedToCapacityRatio case1", ratio(DEFAULT, LEAST_SHAPE),
                        pod("cpu", "3000", "memory", "5000"), nodes, existing, 10, 32),
                scored("test case for ScoringStrategy RequestedToCapacityRatio case2",
                        ratio(DEFAULT, List.of(new UtilizationShapePoint(0, 0), new UtilizationShapePoint(100, 10))),
                        pod("cpu", "3000", "memory", "5000"), nodes, existing, 95, 68),
                scored("test case for ScoringStrategy MostAllocated", strategy(MOST_ALLOCATED, DEFAULT),
                        pod("cpu", "1000", "memory", "2000"), nodes, existing, 67, 36),
                scored("test case for ScoringStrategy LeastAllocated", strategy(LEAST_ALLOCATED, DEFAULT),
                        pod("cpu", "1000", "memory", "2000"), nodes, existing, 32, 63));
        List<Node> sameNodes = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "4000", "memory", "10000"));
        Pod withSidecar = on("node1", sidecar(pod("cpu", "1000", "memory", "2000"), "cpu", "1000", "memory", "2000"));
        List<Pod> sidecarExisting = List.of(withSidecar, on("node2", pod("cpu", "1000", "memory", "2000")));
        List<Case> sidecars = List.of(
                scored("test case for ScoringStrategy MostAllocated with sidecar container", strategy(MOST_ALLOCATED, DEFAULT),
                        pod("cpu", "1000", "memory", "2000"), sameNodes, sidecarExisting, 67, 45),
                scored("test case for ScoringStrategy LeastAllocated with sidecar container", strategy(LEAST_ALLOCATED, DEFAULT),
                        pod("cpu", "1000", "memory", "2000"), sameNodes, sidecarExisting, 32, 55));
        return Stream.concat(Stream.concat(cases.stream(), cases.stream().map(FitScoreTest::withoutPreScore)), sidecars.stream());
    }

    static Pod sidecar(Pod p, String... pairs) {
        List<Container> init = new ArrayList<>(p.initContainers());
        init.add(new Container("sidecar", "", Resources.of(Map.of(pairs[0], pairs[1], pairs[2], pairs[3])), null, null, "Always"));
        return new Pod(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations(), p.creationTimestamp(), p.schedulerName(),
                p.priority(), p.nodeName(), p.nodeSelector(), p.nodeAffinity(), p.tolerations(), init, p.containers(),
                p.overhead(), p.schedulingGates(), p.phase());
    }

    // least_allocated_test.go. Cases whose pods request an explicit "memory: 0" are left out: the model
    // cannot tell an explicit zero from a missing request, and upstream gives only a missing one the default.
    static Stream<Case> leastAllocated() {
        NodeResourcesFitArgs args = strategy(LEAST_ALLOCATED, DEFAULT);
        List<Node> same = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "4000", "memory", "10000"));
        List<Node> sized = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "6000", "memory", "10000"));
        Pod twoContainers = pod2(req("cpu", "1000", "memory", "2000"), req("cpu", "2000", "memory", "3000"));
        List<Node> withExt = List.of(node("node1", "cpu", "6000", "memory", "10000"),
                node("node2", "cpu", "6000", "memory", "10000", EXT, "4"));
        return Stream.of(
                scored("nothing scheduled, nothing requested", args, empty(), same, List.of(), 100, 100),
                scored("nothing scheduled, resources requested, differently sized nodes", args, twoContainers, sized, List.of(), 37, 50),
                // Upstream's internal args without resources fail to score; from YAML they default to cpu and memory.
                scored("resources not set fall back to cpu and memory", strategy(LEAST_ALLOCATED, null), twoContainers, sized,
                        List.of(), 37, 50),
                scored("no resources requested, pods scheduled", args, empty(), same,
                        List.of(on("node1", empty()), on("node1", empty()), on("node2", empty()), on("node2", empty())), 100, 100),
                scored("zero node resources, pods scheduled with resources", args, empty(),
                        List.of(node("node1"), node("node2")),
                        List.of(on("node1", pod("cpu", "3000")), on("node2", pod("cpu", "3000", "memory", "5000"))), 0, 0),
                scored("nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
                        strategy(LEAST_ALLOCATED, List.of(new ResourceSpec("memory", 2), new ResourceSpec("cpu", 1))),
                        twoContainers, sized, List.of(), 41, 50),
                scored("bypass extended resource if the pod does not request", strategy(LEAST_ALLOCATED, WITH_EXT),
                        twoContainers, withExt, List.of(), 50, 50),
                scored("honor extended resource if the pod requests", strategy(LEAST_ALLOCATED, WITH_EXT),
                        pod("cpu", "3000", "memory", "5000", EXT, "2"),
                        List.of(node("node1", "cpu", "6000", "memory", "10000", EXT, "4"),
                                node("node2", "cpu", "6000", "memory", "10000", EXT, "10")), List.of(), 50, 60),
                scored("if the node doesn't have a resource",
                        strategy(LEAST_ALLOCATED, List.of(new ResourceSpec(EXT, 2), new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1))),
                        pod("cpu", "3000", "memory", "4000"), withExt, List.of(), 55, 55),
                // Not upstream cases. The pod count is not a scored resource: the result is as for cpu and memory.
                scored("pods in the resource list is not scored",
                        strategy(LEAST_ALLOCATED, List.of(new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1), new ResourceSpec("pods", 5))),
                        twoContainers, List.of(node("node1", "cpu", "4000", "memory", "10000", "pods", "10"),
                                node("node2", "cpu", "6000", "memory", "10000", "pods", "10")), List.of(), 37, 50),
                // Ephemeral storage is scored with plain requests even when the pod asks for none of it.
                scored("ephemeral storage is scored from plain requests",
                        strategy(LEAST_ALLOCATED, List.of(new ResourceSpec("ephemeral-storage", 1))), empty(),
                        List.of(node("node1", "ephemeral-storage", "100"), node("node2", "ephemeral-storage", "100")),
                        List.of(on("node1", pod("ephemeral-storage", "50"))), 50, 100));
    }

    // most_allocated_test.go, the explicit-zero cases left out as above.
    static Stream<Case> mostAllocated() {
        NodeResourcesFitArgs args = strategy(MOST_ALLOCATED, DEFAULT);
        List<Node> same = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "4000", "memory", "10000"));
        List<Node> sized = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "6000", "memory", "10000"));
        Pod twoContainers = pod2(req("cpu", "1000", "memory", "2000"), req("cpu", "2000", "memory", "3000"));
        List<Node> withExt = List.of(node("node1", "cpu", "6000", "memory", "10000"),
                node("node2", "cpu", "6000", "memory", "10000", EXT, "4"));
        Pod defaultsOnly = Pod.builder("p" + SEQ.incrementAndGet()).container(Container.of("container", "", Resources.ZERO)).build();
        List<Node> small = List.of(node("node1", "cpu", "250m", "memory", "1000Mi"), node("node2", "cpu", "250m", "memory", "1000Mi"));
        return Stream.of(
                scored("nothing scheduled, nothing requested", args, empty(), same, List.of(), 0, 0),
                scored("nothing scheduled, resources requested, differently sized nodes", args, twoContainers, sized, List.of(), 62, 50),
                scored("resources not set fall back to cpu and memory", strategy(MOST_ALLOCATED, null), twoContainers, sized,
                        List.of(), 62, 50),
                scored("resources requested equal node capacity", args,
                        pod2(req("cpu", "2000", "memory", "4000"), req("cpu", "3000", "memory", "5000")),
                        List.of(node("node1", "cpu", "5000", "memory", "10000"), node("node2", "cpu", "10000", "memory", "9000")),
                        List.of(), 95, 75),
                scored("nothing scheduled, resources requested, differently sized nodes, memory weighted",
                        strategy(MOST_ALLOCATED, List.of(new ResourceSpec("memory", 2), new ResourceSpec("cpu", 1))),
                        twoContainers, sized, List.of(), 58, 50),
                scored("no resources requested, pods scheduled, nonzero request for resource", args, defaultsOnly, small,
                        List.of(on("node1", defaultsOnly), on("node1", defaultsOnly)), 80, 30),
                scored("bypass extended resource if the pod does not request", strategy(MOST_ALLOCATED, WITH_EXT),
                        twoContainers, withExt, List.of(), 50, 50),
                scored("honor extended resource if the pod request", strategy(MOST_ALLOCATED, WITH_EXT),
                        pod("cpu", "3000", "memory", "5000", EXT, "2"),
                        List.of(node("node1", "cpu", "6000", "memory", "10000", EXT, "4"),
                                node("node2", "cpu", "6000", "memory", "10000", EXT, "10")), List.of(), 50, 40),
                scored("if the node doesn't have a resource",
                        strategy(MOST_ALLOCATED, List.of(new ResourceSpec(EXT, 2), new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1))),
                        pod("cpu", "3000", "memory", "4000"), withExt, List.of(), 45, 45));
    }

    // requested_to_capacity_ratio_test.go
    static Stream<Case> requestedToCapacityRatio() {
        NodeResourcesFitArgs args = ratio(DEFAULT, LEAST_SHAPE);
        List<Node> same = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "4000", "memory", "10000"));
        List<Node> sized = List.of(node("node1", "cpu", "4000", "memory", "10000"), node("node2", "cpu", "6000", "memory", "10000"));
        List<Pod> emptyOnNode1 = List.of(on("node1", empty()), on("node1", empty()));
        return Stream.of(
                scored("nothing scheduled, nothing requested (default - least requested nodes have priority)", args,
                        empty(), same, emptyOnNode1, 100, 100),
                scored("nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)",
                        args, pod2(req("cpu", "1000", "memory", "2000"), req("cpu", "2000", "memory", "3000")), sized,
                        emptyOnNode1, 38, 50),
                scored("no resources requested, pods scheduled with resources (default - least requested nodes have priority)",
                        args, empty(), sized,
                        List.of(on("node1", pod("cpu", "3000", "memory", "5000")), on("node2", pod("cpu", "3000", "memory", "5000"))),
                        38, 50));
    }

    // requested_to_capacity_ratio_test.go TestResourceBinPackingSingleExtended / MultipleExtended.
    static Stream<Case> binPacking() {
        List<UtilizationShapePoint> most = List.of(new UtilizationShapePoint(0, 0), new UtilizationShapePoint(100, 1));
        NodeResourcesFitArgs single = ratio(List.of(new ResourceSpec("intel.com/foo", 1)), most);
        List<Node> singleNodes = List.of(binNode("node1", "intel.com/foo", "8"), binNode("node2", "intel.com/foo", "4"));
        NodeResourcesFitArgs multi = ratio(List.of(new ResourceSpec("intel.com/foo", 3), new ResourceSpec("intel.com/bar", 5)), most);
        List<Node> multiNodes = List.of(binNode("node1", "intel.com/foo", "8", "intel.com/bar", "4"),
                binNode("node2", "intel.com/foo", "4", "intel.com/bar", "8"));
        return Stream.of(
                scored("single extended: nothing scheduled, nothing requested", single, empty(), singleNodes, List.of(), 0, 0),
                scored("single extended: resources requested, pods scheduled with less resources", single,
                        pod("intel.com/foo", "2"), singleNodes, List.of(empty()), 2, 5),
                scored("single extended: resources requested, pods scheduled with resources, on node with existing pod running",
                        single, pod("intel.com/foo", "2"), singleNodes, List.of(on("node2", pod("intel.com/foo", "2"))), 2, 10),
                scored("single extended: resources requested, pods scheduled with more resources", single,
                        pod("intel.com/foo", "4"), singleNodes, List.of(empty()), 5, 10),
                scored("multiple extended: nothing scheduled, nothing requested", multi, empty(), multiNodes, List.of(), 0, 0),
                scored("multiple extended: resources requested, pods scheduled with less resources", multi,
                        pod("intel.com/foo", "2", "intel.com/bar", "2"), multiNodes, List.of(empty()), 4, 3),
                scored("multiple extended: resources requested, pods scheduled with resources, on node with existing pod running",
                        multi, pod("intel.com/foo", "2", "intel.com/bar", "2"), multiNodes,
                        List.of(on("node2", pod("intel.com/foo", "4", "intel.com/bar", "2"))), 4, 7),
                scored("multiple extended: resources requested, pods scheduled with more resources", multi,
                        pod("intel.com/foo", "4", "intel.com/bar", "2"), multiNodes, List.of(empty()), 5, 5));
    }

    /** Upstream's makeNode: 4000 millicores, 10000 MiB, and extended resources. */
    static Node binNode(String name, String... extended) {
        List<String> pairs = new ArrayList<>(List.of("cpu", "4000m", "memory", Long.toString(10000L * 1024 * 1024)));
        pairs.addAll(List.of(extended));
        return node(name, pairs.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"fitScore", "leastAllocated", "mostAllocated", "requestedToCapacityRatio", "binPacking"})
    void score(Case c) {
        Fit fit = new Fit(c.args());
        List<NodeInfo> infos = Fixtures.nodeInfos(c.nodes(), c.existing());
        CycleState state = new CycleState();
        if (c.runPreScore()) {
            assertEquals(Status.SUCCESS, fit.preScore(state, c.pod(), infos));
        }
        List<Long> got = new ArrayList<>();
        for (NodeInfo n : infos) {
            got.add(fit.score(state, c.pod(), n));
        }
        assertEquals(c.expected(), got);
    }
}
