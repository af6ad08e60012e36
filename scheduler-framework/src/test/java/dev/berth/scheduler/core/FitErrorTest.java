package dev.berth.scheduler.core;

import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FitErrorTest {
    static Stream<Arguments> cases() {
        Status taint = Status.unresolvable("node(s) had untolerated taint {dedicated: gpu}");
        Status cpu = Status.unschedulable("Insufficient cpu");
        Status cpuMem = Status.unschedulable("Insufficient cpu", "Insufficient memory");
        return Stream.of(
                Arguments.of("one reason on every node", 2, new Diagnosis(Map.of("a", cpu, "b", cpu), null, Set.of(), null, null),
                        "0/2 nodes are available: 2 Insufficient cpu."),
                Arguments.of("reasons counted per node and sorted as 'count reason' strings", 3,
                        new Diagnosis(Map.of("a", taint, "b", cpuMem, "c", cpu), null, Set.of(), null, null),
                        "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu."),
                Arguments.of("PreFilter message replaces the per-node histogram", 4,
                        new Diagnosis(Map.of(), Status.unresolvable("x"), Set.of("P"), "node(s) didn't satisfy plugin NodeAffinity", null),
                        "0/4 nodes are available: node(s) didn't satisfy plugin NodeAffinity."),
                Arguments.of("nodes outside a PreFilter shortlist count with the absent status", 5,
                        new Diagnosis(Map.of("a", cpu), Status.unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"), Set.of(), null, null),
                        "0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't satisfy plugin(s) [NodeAffinity]."),
                Arguments.of("PostFilter message is appended as given", 1,
                        new Diagnosis(Map.of("a", cpu), null, Set.of(), null, "preemption: not eligible due to preemptionPolicy=Never."),
                        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."),
                Arguments.of("no statuses at all", 0, new Diagnosis(Map.of(), null, Set.of(), null, null),
                        "0/0 nodes are available:"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void formatsTheUpstreamFailedSchedulingText(String name, int nodes, Diagnosis d, String expected) {
        assertEquals(expected, new FitError(Pod.builder("p").build(), nodes, d).getMessage());
    }
}
