package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.berth.scheduler.plugins.noderesources.Fixtures.EXT_A;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.EXT_B;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.HUGE_A;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.node;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.nodeInfo;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.pod;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.res;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.storage;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.withInit;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.withOverhead;
import static dev.berth.scheduler.plugins.noderesources.Fixtures.withSidecar;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** NodeResourcesFit's PreFilter and Filter, table-driven from upstream's fit_test.go cases. */
class FitFilterTest {
    private static final String CPU = "Insufficient cpu";
    private static final String MEMORY = "Insufficient memory";
    private static final String STORAGE = "Insufficient ephemeral-storage";

    /** Upstream's standard test node: 10m cpu, 20 B memory, 32 pods, 5 example.com/aaa, 20 B storage, 5 hugepages. */
    private static final Node STANDARD = node("n", new Resources(10, 20, 20, 32, Map.of(EXT_A, 5L, HUGE_A, 5L)));

    record Case(String name, Pod pod, NodeInfo node, NodeResourcesFitArgs args, Code code, List<String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case fits(String name, Pod pod, Pod existing) {
        return new Case(name, pod, nodeInfo(STANDARD, existing), null, Code.SUCCESS, List.of());
    }

    private static Case fails(String name, Pod pod, Pod existing, Code code, String... reasons) {
        return new Case(name, pod, nodeInfo(STANDARD, existing), null, code, List.of(reasons));
    }

    private static final Code UNSCHED = Code.UNSCHEDULABLE;
    private static final Code UNRESOLVABLE = Code.UNSCHEDULABLE_AND_UNRESOLVABLE;

    static Stream<Case> enoughRequests() {
        return Stream.of(
                fits("no resources requested always fits", pod(), pod(res(10, 20))),
                fails("too many resources fails", pod(res(1, 1)), pod(res(10, 20)), UNSCHED, CPU, MEMORY),
                fails("too many resources fails due to init container cpu",
                        withInit(pod(res(1, 1)), res(3, 1)), pod(res(8, 19)), UNSCHED, CPU),
                fails("too many resources fails due to highest init container cpu",
                        withInit(pod(res(1, 1)), res(3, 1), res(2, 1)), pod(res(8, 19)), UNSCHED, CPU),
                fails("too many resources fails due to init container memory",
                        withInit(pod(res(1, 1)), res(1, 3)), pod(res(9, 19)), UNSCHED, MEMORY),
                fails("too many resources fails due to highest init container memory",
                        withInit(pod(res(1, 1)), res(1, 3), res(1, 2)), pod(res(9, 19)), UNSCHED, MEMORY),
                fits("init container fits because it's the max, not sum, of containers and init containers",
                        withInit(pod(res(1, 1)), res(1, 1)), pod(res(9, 19))),
                fits("multiple init containers fit because it's the max, not sum, of containers and init containers",
                        withInit(pod(res(1, 1)), res(1, 1), res(1, 1)), pod(res(9, 19))),
                fits("both resources fit", pod(res(1, 1)), pod(res(5, 5))),
                fails("one resource memory fits", pod(res(2, 1)), pod(res(9, 5)), UNSCHED, CPU),
                fails("one resource cpu fits", pod(res(1, 2)), pod(res(5, 19)), UNSCHED, MEMORY),
                fits("equal edge case", pod(res(5, 1)), pod(res(5, 19))),
                fits("equal edge case for init container", withInit(pod(res(4, 1)), res(5, 1)), pod(res(5, 19))),
                fits("extended resource fits", pod(res(0, 0, EXT_A, 1)), pod(res(0, 0))),
                fits("extended resource fits for init container", withInit(pod(res(0, 0)), res(0, 0, EXT_A, 1)), pod(res(0, 0))),
                fails("extended resource capacity enforced", pod(res(1, 1, EXT_A, 10)), pod(res(0, 0, EXT_A, 0)),
                        UNRESOLVABLE, "Insufficient " + EXT_A),
                fails("extended resource capacity enforced for init container",
                        withInit(pod(res(0, 0)), res(1, 1, EXT_A, 10)), pod(res(0, 0, EXT_A, 0)),
                        UNRESOLVABLE, "Insufficient " + EXT_A),
                fails("extended resource allocatable enforced", pod(res(1, 1, EXT_A, 1)), pod(res(0, 0, EXT_A, 5)),
                        UNSCHED, "Insufficient " + EXT_A),
                fails("extended resource allocatable enforced for init container",
                        withInit(pod(res(0, 0)), res(1, 1, EXT_A, 1)), pod(res(0, 0, EXT_A, 5)),
                        UNSCHED, "Insufficient " + EXT_A),
                fails("extended resource allocatable enforced for multiple containers",
                        pod(res(1, 1, EXT_A, 3), res(1, 1, EXT_A, 3)), pod(res(0, 0, EXT_A, 2)),
                        UNRESOLVABLE, "Insufficient " + EXT_A),
                fits("extended resource allocatable admits multiple init containers",
                        withInit(pod(res(0, 0)), res(1, 1, EXT_A, 3), res(1, 1, EXT_A, 3)), pod(res(0, 0, EXT_A, 2))),
                fails("extended resource allocatable enforced for multiple init containers",
                        withInit(pod(res(0, 0)), res(1, 1, EXT_A, 6), res(1, 1, EXT_A, 3)), pod(res(0, 0, EXT_A, 2)),
                        UNRESOLVABLE, "Insufficient " + EXT_A),
                fails("extended resource allocatable enforced for unknown resource",
                        pod(res(1, 1, EXT_B, 1)), pod(res(0, 0)), UNRESOLVABLE, "Insufficient " + EXT_B),
                fails("extended resource allocatable enforced for unknown resource for init container",
                        withInit(pod(res(0, 0)), res(1, 1, EXT_B, 1)), pod(res(0, 0)), UNRESOLVABLE, "Insufficient " + EXT_B),
                fails("hugepages resource capacity enforced", pod(res(1, 1, HUGE_A, 10)), pod(res(0, 0, HUGE_A, 0)),
                        UNRESOLVABLE, "Insufficient " + HUGE_A),
                fails("hugepages resource capacity enforced for init container",
                        withInit(pod(res(0, 0)), res(1, 1, HUGE_A, 10)), pod(res(0, 0, HUGE_A, 0)),
                        UNRESOLVABLE, "Insufficient " + HUGE_A),
                fails("hugepages resource allocatable enforced for multiple containers",
                        pod(res(1, 1, HUGE_A, 3), res(1, 1, HUGE_A, 3)), pod(res(0, 0, HUGE_A, 2)),
                        UNRESOLVABLE, "Insufficient " + HUGE_A),
                new Case("skip checking ignored extended resource", pod(res(1, 1, EXT_B, 1)),
                        nodeInfo(STANDARD, pod(res(0, 0))),
                        new NodeResourcesFitArgs(List.of(EXT_B), null, null), Code.SUCCESS, List.of()),
                fits("resources + pod overhead fits", withOverhead(pod(res(1, 1)), res(3, 13)), pod(res(5, 5))),
                fails("requests + overhead does not fit for memory", withOverhead(pod(res(1, 1)), res(1, 15)),
                        pod(res(5, 5)), UNSCHED, MEMORY),
                // Upstream pairs the ignored group with a kubernetes.io/ resource, which the model does not
                // account; a second domain shows the same thing: only the named group is ignored.
                new Case("skip checking ignored extended resource via resource groups",
                        pod(res(1, 1, EXT_B, 1, "other.com/ccc", 1)), nodeInfo(STANDARD, pod(res(0, 0))),
                        new NodeResourcesFitArgs(null, List.of("example.com"), null),
                        UNRESOLVABLE, List.of("Insufficient other.com/ccc")),
                fits("skip checking extended resource request with quantity zero via resource groups",
                        pod(res(1, 1, EXT_A, 0)), pod(res(0, 0, EXT_A, 6))),
                // Not upstream cases: every shortfall is reported, in a fixed order, with the pod count first.
                new Case("all insufficient resources are reported",
                        pod(new Resources(6, 11, 11, 0, Map.of(HUGE_A, 1L, EXT_A, 1L))),
                        nodeInfo(node("n", new Resources(10, 20, 20, 1, Map.of(EXT_A, 5L, HUGE_A, 5L))),
                                pod(new Resources(5, 10, 10, 0, Map.of(EXT_A, 5L, HUGE_A, 5L)))),
                        null, UNSCHED,
                        List.of("Too many pods", CPU, MEMORY, STORAGE, "Insufficient " + EXT_A, "Insufficient " + HUGE_A)),
                new Case("one resource beyond the node's allocatable makes the whole status unresolvable",
                        pod(res(11, 2)), nodeInfo(STANDARD, pod(res(5, 19))), null, UNRESOLVABLE, List.of(CPU, MEMORY)));
    }

    static Stream<Case> notEnoughPods() {
        Node onePod = node("n", new Resources(10, 20, 0, 1, Map.of()));
        return Stream.of(
                new Case("even without specified resources, predicate fails when there's no space for additional pod",
                        pod(), nodeInfo(onePod, pod(res(10, 20))), null, UNSCHED, List.of("Too many pods")),
                new Case("even if both resources fit, predicate fails when there's no space for additional pod",
                        pod(res(1, 1)), nodeInfo(onePod, pod(res(5, 5))), null, UNSCHED, List.of("Too many pods")),
                new Case("even for equal edge case, predicate fails when there's no space for additional pod",
                        pod(res(5, 1)), nodeInfo(onePod, pod(res(5, 19))), null, UNSCHED, List.of("Too many pods")),
                new Case("even for equal edge case, predicate fails when there's no space for additional pod due to init container",
                        withInit(pod(res(5, 1)), res(5, 1)), nodeInfo(onePod, pod(res(5, 19))), null, UNSCHED,
                        List.of("Too many pods")));
    }

    static Stream<Case> storageRequests() {
        return Stream.of(
                fits("empty storage requested, and pod fits", pod(res(1, 1)), pod(res(2, 10))),
                fails("storage ephemeral local storage request exceeds allocatable", pod(storage(25)), pod(res(2, 2)),
                        UNRESOLVABLE, STORAGE),
                fits("ephemeral local storage is sufficient", pod(storage(5)), pod(res(2, 2, 10))),
                fits("pod fits", pod(storage(10)), pod(res(2, 2))));
    }

    static Stream<Case> restartableInitContainers() {
        // Upstream's sidecar node: 2m cpu, no memory, room for one pod.
        Node small = node("n", new Resources(2, 0, 0, 1, Map.of()));
        return Stream.of(
                new Case("allow pod without restartable init containers", pod(res(0, 0)), nodeInfo(small),
                        null, Code.SUCCESS, List.of()),
                new Case("allow pod with restartable init containers", withSidecar(pod(res(0, 0)), res(0, 0)),
                        nodeInfo(small), null, Code.SUCCESS, List.of()),
                new Case("allow pod if the total requested resources do not exceed the node's allocatable resources",
                        withSidecar(pod(res(1, 0)), res(1, 0)), nodeInfo(small), null, Code.SUCCESS, List.of()),
                new Case("not allow pod if the total requested resources do exceed the node's allocatable resources",
                        withSidecar(pod(res(1, 0)), res(2, 0)), nodeInfo(small), null, UNRESOLVABLE, List.of(CPU)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"enoughRequests", "notEnoughPods", "storageRequests", "restartableInitContainers"})
    void filter(Case c) {
        Fit fit = new Fit(c.args());
        CycleState state = new CycleState();
        Plugin.PreFilterResult pre = fit.preFilter(state, c.pod(), List.of(c.node()));
        assertEquals(Plugin.PreFilterResult.SUCCESS, pre);

        Status got = fit.filter(state, c.pod(), c.node());
        assertEquals(c.code(), got.code(), () -> "status " + got);
        assertEquals(c.reasons(), got.reasons());

        // Filter alone (PreFilter skipped) computes the requests itself and agrees.
        assertEquals(got, fit.filter(new CycleState(), c.pod(), c.node()));
    }

    record RequestCase(String name, Pod pod, Resources expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What PreFilter records for the pod: upstream's resource.PodRequests (containers, init, sidecars, overhead). */
    static Stream<RequestCase> effectiveRequests() {
        return Stream.of(
                new RequestCase("sum of containers, max with each init container (upstream's doc example)",
                        withInit(pod(res(2000, 1000), res(1000, 1000)), res(2000, 1000), res(2000, 3000)),
                        res(3000, 3000)),
                new RequestCase("init container larger than the containers",
                        withInit(pod(res(1, 1)), res(5, 0)), res(5, 1)),
                new RequestCase("sidecar runs beside the containers",
                        withSidecar(pod(res(1, 1)), res(2, 2)), res(3, 3)),
                new RequestCase("an init container after a sidecar runs beside it",
                        withInit(withSidecar(pod(res(1, 0)), res(1, 0)), res(5, 0)), res(6, 0)),
                new RequestCase("an init container before a sidecar does not run beside it",
                        withSidecar(withInit(pod(res(1, 0)), res(5, 0)), res(1, 0)), res(5, 0)),
                new RequestCase("overhead is added once",
                        withOverhead(withInit(pod(res(1, 1)), res(4, 4)), res(10, 10)), res(14, 14)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("effectiveRequests")
    void preFilterRecordsEffectiveRequests(RequestCase c) {
        CycleState state = new CycleState();
        new Fit(null).preFilter(state, c.pod(), List.of());
        assertEquals(c.expected(), state.read(Fit.PRE_FILTER_KEY));
    }

    @Test
    void registersCapacityFreeingEvents() {
        assertEquals(Set.of(ClusterEvent.POD_DELETE, ClusterEvent.POD_SCALE_DOWN, ClusterEvent.NODE_ADD,
                        ClusterEvent.NODE_ALLOCATABLE, ClusterEvent.NODE_TAINT, ClusterEvent.NODE_LABEL),
                new Fit(null).eventsToRegister());
    }

    @Test
    void factoryBuildsFitFromArgs() {
        var factory = Fit.factory();
        assertEquals(Fit.NAME, factory.name());
        assertEquals(NodeResourcesFitArgs.class, factory.argsType());
    }
}
