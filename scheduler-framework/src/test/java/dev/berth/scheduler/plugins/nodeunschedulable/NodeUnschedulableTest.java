package dev.berth.scheduler.plugins.nodeunschedulable;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;
import dev.berth.scheduler.model.Toleration.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Stream;

import static dev.berth.scheduler.plugins.nodeunschedulable.NodeUnschedulable.TAINT_NODE_UNSCHEDULABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NodeUnschedulableTest {
    private final NodeUnschedulable plugin = (NodeUnschedulable) NodeUnschedulable.factory().create(null, null);

    static Pod pod(Toleration... tolerations) {
        Pod.Builder b = Pod.builder("p");
        for (Toleration t : tolerations) {
            b.toleration(t);
        }
        return b.build();
    }

    static Toleration tol(String key, Operator op, String value, TaintEffect effect) {
        return new Toleration(key, op, value, effect, null);
    }

    static Stream<Arguments> cases() {
        Status rejected = Status.unresolvable(NodeUnschedulable.ERR_REASON_UNSCHEDULABLE);
        return Stream.of(
                Arguments.of("an unschedulable node rejects a pod without tolerations", pod(), true, rejected),
                Arguments.of("a schedulable node takes the pod", pod(), false, Status.SUCCESS),
                Arguments.of("the unschedulable:NoSchedule toleration lets the pod in",
                        pod(tol(TAINT_NODE_UNSCHEDULABLE, null, "", TaintEffect.NO_SCHEDULE)), true, Status.SUCCESS),
                Arguments.of("an Exists toleration of the key without effect lets the pod in",
                        pod(tol(TAINT_NODE_UNSCHEDULABLE, Operator.EXISTS, "", null)), true, Status.SUCCESS),
                Arguments.of("a tolerate-everything toleration lets the pod in",
                        pod(tol("", Operator.EXISTS, "", null)), true, Status.SUCCESS),
                Arguments.of("a toleration of the key for NoExecute only doesn't",
                        pod(tol(TAINT_NODE_UNSCHEDULABLE, Operator.EXISTS, "", TaintEffect.NO_EXECUTE)), true, rejected),
                Arguments.of("an Equal toleration with a value doesn't (the taint has none)",
                        pod(tol(TAINT_NODE_UNSCHEDULABLE, Operator.EQUAL, "true", TaintEffect.NO_SCHEDULE)), true, rejected),
                Arguments.of("an unrelated toleration doesn't",
                        pod(tol("unrelated-key", Operator.EXISTS, "", null)), true, rejected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, Pod pod, boolean unschedulable, Status want) {
        Node node = Node.builder("n1").unschedulable(unschedulable).build();
        Status got = plugin.filter(new CycleState(), pod, NodeInfo.of(node));
        assertEquals(want.code(), got.code());
        assertEquals(want.reasons(), got.reasons());
    }

    @Test
    void registersEventsThatCanUncordonOrAddTolerations() {
        assertEquals(Set.of(ClusterEvent.NODE_ADD, ClusterEvent.NODE_TAINT, ClusterEvent.NODE_UNSCHEDULABLE,
                ClusterEvent.POD_TOLERATIONS), plugin.eventsToRegister());
        assertEquals(NodeUnschedulable.NAME, plugin.name());
    }
}
