package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.ResourceSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.berth.scheduler.plugins.noderesources.Fixtures.node;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.pod;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.podOn;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * NodeResourcesBalancedAllocation, with the scenarios of upstream's balanced_allocation_test.go. The expected
 * scores follow current upstream, which scores the change in balance the pod brings:
 * {@code 50 + (50 + balanceWithPod - balanceWithoutPod) / 2}, each balance being {@code (1 - std) * 100}.
 */
class BalancedAllocationTest {
    private static final String GPU = "nvidia.com/gpu";
    private static final List<ResourceSpec> WITH_GPU =
            List.of(new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1), new ResourceSpec(GPU, 1));

    record Case(String name, List<ResourceSpec> resources, Pod pod, List<Node> nodes, List<Pod> existing,
                boolean runPreScore, Code preScoreCode, List<Long> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case scored(String name, List<ResourceSpec> resources, Pod pod, List<Node> nodes, List<Pod> existing,
                               long... expected) {
        List<Long> e = new ArrayList<>();
        for (long x : expected) {
            e.add(x);
        }
        return new Case(name, resources, pod, nodes, existing, true, Code.SUCCESS, e);
    }

    static Node makeNode(String name, long milliCpu, long memory, Object... scalars) {
        return node(name, res(milliCpu, memory, scalars));
    }

    static Stream<Case> cases() {
        // Upstream's pods: cpuOnly on node1, cpuAndMemory on node2, cpuAndMemoryAndGPU on node1.
        Pod cpuOnly = podOn("node1", res(1000, 0), res(2000, 0));
        Pod cpuAndMemory = podOn("node2", res(1000, 2000), res(2000, 3000));
        Pod cpuAndMemoryAndGpu = podOn("node1", res(1000, 2000), res(2000, 3000, GPU, 3));
        Pod incoming = pod(res(1000, 2000), res(2000, 3000));
        List<Node> big = List.of(makeNode("node1", 10000, 20000), makeNode("node2", 10000, 20000));
        Case noPreScore = scored("resources requested, pods scheduled with resources if PreScore not called", null,
                incoming, big, List.of(cpuOnly, cpuAndMemory), 73, 74);
        return Stream.of(
                new Case("nothing scheduled, nothing requested, skip in PreScore", null, pod(),
                        List.of(makeNode("node1", 4000, 10000), makeNode("node2", 4000, 10000)), List.of(),
                        true, Code.SKIP, List.of()),
                // node1: 0.75/0.5 gives 87 with the pod, 100 before; node2 stays perfectly balanced (75).
                scored("nothing scheduled, resources requested, differently sized nodes", null, incoming,
                        List.of(makeNode("node1", 4000, 10000), makeNode("node2", 6000, 10000)), List.of(), 68, 75),
                // node1: 82 with the pod, 85 before; node2: 95 with, 97 before.
                scored("resources requested, pods scheduled with resources", null, incoming, big,
                        List.of(cpuOnly, cpuAndMemory), 73, 74),
                // node2: 0.6/0.2 gives 80 with the pod, 0.3/0.1 gives 90 before.
                scored("resources requested, pods scheduled with resources, differently sized nodes", null, incoming,
                        List.of(makeNode("node1", 10000, 20000), makeNode("node2", 10000, 50000)),
                        List.of(cpuOnly, cpuAndMemory), 73, 70),
                // Fractions are capped at 1: node1 goes 75 -> 50, node2 100 -> 75.
                scored("requested resources at node capacity", null, pod(res(1000, 0), res(2000, 0)),
                        List.of(makeNode("node1", 6000, 10000), makeNode("node2", 6000, 10000)),
                        List.of(cpuOnly, cpuAndMemory), 62, 62),
                // Three resources: population standard deviation; node1 70 vs 69 before, node2 65 vs 62.
                scored("include scalar resource on a node for balanced resource allocation", WITH_GPU,
                        pod(res(0, 0, GPU, 1)),
                        List.of(makeNode("node1", 3500, 40000, GPU, 8), makeNode("node2", 3500, 40000, GPU, 8)),
                        List.of(cpuAndMemory, cpuAndMemoryAndGpu), 75, 76),
                scored("node without the scalar resource should skip the scalar resource", WITH_GPU, incoming,
                        List.of(makeNode("node1", 3500, 40000, GPU, 8), makeNode("node2", 3500, 40000)), List.of(), 56, 56),
                new Case(noPreScore.name(), null, noPreScore.pod(), noPreScore.nodes(), noPreScore.existing(), false,
                        Code.SUCCESS, noPreScore.expected()),
                // Not upstream cases: the ends of the range and the best-effort pod scored without PreScore.
                new Case("nothing requested and PreScore not called scores 0", null, pod(),
                        List.of(makeNode("node1", 4000, 10000)), List.of(), false, Code.SUCCESS, List.of(0L)),
                scored("a balanced node made perfectly imbalanced scores 50", null, pod(res(10000, 0)),
                        List.of(makeNode("node1", 10000, 20000)), List.of(), 50),
                scored("an imbalanced node made perfectly balanced scores 100", null, pod(res(0, 20000)),
                        List.of(makeNode("node1", 10000, 20000)), List.of(podOn("node1", res(10000, 0))), 100),
                scored("a pod that keeps the balance scores 75", null, pod(res(1000, 2000)),
                        List.of(makeNode("node1", 10000, 20000)), List.of(podOn("node1", res(5000, 10000))), 75));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void score(Case c) {
        BalancedAllocation plugin = new BalancedAllocation(
                c.resources() == null ? null : new NodeResourcesBalancedAllocationArgs(c.resources()));
        List<NodeInfo> infos = Fixtures.nodeInfos(c.nodes(), c.existing());
        CycleState state = new CycleState();
        if (c.runPreScore()) {
            Status status = plugin.preScore(state, c.pod(), infos);
            assertEquals(c.preScoreCode(), status.code());
            if (status.isSkip()) {
                return;
            }
        }
        List<Long> got = new ArrayList<>();
        for (NodeInfo n : infos) {
            got.add(plugin.score(state, c.pod(), n));
        }
        assertEquals(c.expected(), got);
    }
}
