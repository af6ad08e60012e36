package dev.berth.scheduler.plugins.tainttoleration;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;
import dev.berth.scheduler.model.Toleration.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.berth.scheduler.model.TaintEffect.NO_EXECUTE;
import static dev.berth.scheduler.model.TaintEffect.NO_SCHEDULE;
import static dev.berth.scheduler.model.TaintEffect.PREFER_NO_SCHEDULE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaintTolerationTest {
    private final TaintToleration plugin = (TaintToleration) TaintToleration.factory().create(null, null);

    static Toleration tol(String key, Operator op, String value, TaintEffect effect) {
        return new Toleration(key, op, value, effect, null);
    }

    static Pod pod(Toleration... tolerations) {
        Pod.Builder b = Pod.builder("pod1");
        Arrays.stream(tolerations).forEach(b::toleration);
        return b.build();
    }

    static Node node(String name, Taint... taints) {
        return new Node(name, null, List.of(taints), false, null, null);
    }

    static Taint taint(String key, String value, TaintEffect effect) {
        return new Taint(key, value, effect);
    }

    static Stream<Arguments> filterCases() {
        Status rejected = Status.unresolvable(TaintToleration.ERR_REASON_UNTOLERATED);
        return Stream.of(
                Arguments.of("a pod without tolerations can't land on a node with a NoSchedule taint",
                        pod(), node("nodeA", taint("dedicated", "user1", NO_SCHEDULE)), rejected),
                Arguments.of("a toleration equal to the taint lets the pod in",
                        pod(tol("dedicated", null, "user1", NO_SCHEDULE)), node("nodeA", taint("dedicated", "user1", NO_SCHEDULE)), Status.SUCCESS),
                Arguments.of("an Equal toleration with another value doesn't",
                        pod(tol("dedicated", Operator.EQUAL, "user2", NO_SCHEDULE)), node("nodeA", taint("dedicated", "user1", NO_SCHEDULE)), rejected),
                Arguments.of("an Exists toleration tolerates any value of its key",
                        pod(tol("foo", Operator.EXISTS, "", NO_SCHEDULE)), node("nodeA", taint("foo", "bar", NO_SCHEDULE)), Status.SUCCESS),
                Arguments.of("several tolerations cover several taints",
                        pod(tol("dedicated", Operator.EQUAL, "user2", NO_SCHEDULE), tol("foo", Operator.EXISTS, "", NO_SCHEDULE)),
                        node("nodeA", taint("dedicated", "user2", NO_SCHEDULE), taint("foo", "bar", NO_SCHEDULE)), Status.SUCCESS),
                Arguments.of("key and value match but the toleration's effect differs",
                        pod(tol("foo", Operator.EQUAL, "bar", PREFER_NO_SCHEDULE)), node("nodeA", taint("foo", "bar", NO_SCHEDULE)), rejected),
                Arguments.of("a toleration without effect tolerates the NoSchedule taint",
                        pod(tol("foo", Operator.EQUAL, "bar", null)), node("nodeA", taint("foo", "bar", NO_SCHEDULE)), Status.SUCCESS),
                Arguments.of("an untolerated PreferNoSchedule taint doesn't filter",
                        pod(tol("dedicated", Operator.EQUAL, "user2", NO_SCHEDULE)), node("nodeA", taint("dedicated", "user1", PREFER_NO_SCHEDULE)), Status.SUCCESS),
                Arguments.of("no tolerations and only a PreferNoSchedule taint",
                        pod(), node("nodeA", taint("dedicated", "user1", PREFER_NO_SCHEDULE)), Status.SUCCESS),
                Arguments.of("an untolerated NoExecute taint filters",
                        pod(tol("a", Operator.EXISTS, "", NO_SCHEDULE)), node("nodeA", taint("a", "", NO_EXECUTE)), rejected),
                Arguments.of("one untolerated taint among tolerated ones filters",
                        pod(tol("a", Operator.EXISTS, "", null)), node("nodeA", taint("a", "", NO_SCHEDULE), taint("b", "", NO_SCHEDULE)), rejected),
                Arguments.of("an empty-key Exists toleration tolerates every taint",
                        pod(tol("", Operator.EXISTS, "", null)), node("nodeA", taint("a", "1", NO_SCHEDULE), taint("b", "", NO_EXECUTE)), Status.SUCCESS),
                Arguments.of("a node without taints", pod(), node("nodeA"), Status.SUCCESS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(String name, Pod pod, Node node, Status want) {
        Status got = plugin.filter(new CycleState(), pod, NodeInfo.of(node));
        assertEquals(want.code(), got.code());
        assertEquals(want.reasons(), got.reasons());
    }

    static Stream<Arguments> scoreCases() {
        return Stream.of(
                Arguments.of("a node whose taints the pod tolerates beats one with an intolerable taint",
                        pod(tol("foo", Operator.EQUAL, "bar", PREFER_NO_SCHEDULE)),
                        List.of(node("nodeA", taint("foo", "bar", PREFER_NO_SCHEDULE)), node("nodeB", taint("foo", "blah", PREFER_NO_SCHEDULE))),
                        new long[]{100, 0}),
                Arguments.of("the number of tolerated taints doesn't matter",
                        pod(tol("cpu-type", Operator.EQUAL, "arm64", PREFER_NO_SCHEDULE), tol("disk-type", Operator.EQUAL, "ssd", PREFER_NO_SCHEDULE)),
                        List.of(node("nodeA"), node("nodeB", taint("cpu-type", "arm64", PREFER_NO_SCHEDULE)),
                                node("nodeC", taint("cpu-type", "arm64", PREFER_NO_SCHEDULE), taint("disk-type", "ssd", PREFER_NO_SCHEDULE))),
                        new long[]{100, 100, 100}),
                Arguments.of("the more intolerable taints, the lower the score",
                        pod(tol("foo", Operator.EQUAL, "bar", PREFER_NO_SCHEDULE)),
                        List.of(node("nodeA"), node("nodeB", taint("cpu-type", "arm64", PREFER_NO_SCHEDULE)),
                                node("nodeC", taint("cpu-type", "arm64", PREFER_NO_SCHEDULE), taint("disk-type", "ssd", PREFER_NO_SCHEDULE))),
                        new long[]{100, 50, 0}),
                Arguments.of("only PreferNoSchedule taints and tolerations count",
                        pod(tol("cpu-type", Operator.EQUAL, "arm64", NO_SCHEDULE), tol("disk-type", Operator.EQUAL, "ssd", NO_SCHEDULE)),
                        List.of(node("nodeA"), node("nodeB", taint("cpu-type", "arm64", NO_SCHEDULE)),
                                node("nodeC", taint("cpu-type", "arm64", PREFER_NO_SCHEDULE), taint("disk-type", "ssd", PREFER_NO_SCHEDULE))),
                        new long[]{100, 100, 0}),
                Arguments.of("without tolerations the untainted node wins",
                        pod(), List.of(node("nodeA"), node("nodeB", taint("cpu-type", "arm64", PREFER_NO_SCHEDULE))),
                        new long[]{100, 0}),
                Arguments.of("a toleration without effect counts for PreferNoSchedule",
                        pod(tol("foo", Operator.EXISTS, "", null)),
                        List.of(node("nodeA", taint("foo", "x", PREFER_NO_SCHEDULE)), node("nodeB", taint("bar", "", PREFER_NO_SCHEDULE))),
                        new long[]{100, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void score(String name, Pod pod, List<Node> nodes, long[] want) {
        List<NodeInfo> infos = nodes.stream().map(NodeInfo::of).toList();
        CycleState state = new CycleState();
        assertTrue(plugin.preScore(state, pod, infos).isSuccess());
        assertArrayEquals(want, normalizedScores(state, pod, infos));
        // The same result when Score is called without PreScore.
        assertArrayEquals(want, normalizedScores(new CycleState(), pod, infos));
    }

    private long[] normalizedScores(CycleState state, Pod pod, List<NodeInfo> infos) {
        long[] scores = new long[infos.size()];
        for (int i = 0; i < infos.size(); i++) {
            scores[i] = plugin.score(state, pod, infos.get(i));
        }
        assertTrue(plugin.normalizeScore(state, pod, infos, scores).isSuccess());
        return scores;
    }

    @Test
    void rawScoreCountsIntolerablePreferNoScheduleTaints() {
        Node n = node("n", taint("a", "", PREFER_NO_SCHEDULE), taint("b", "", PREFER_NO_SCHEDULE), taint("c", "", NO_SCHEDULE));
        assertEquals(2, plugin.score(new CycleState(), pod(), NodeInfo.of(n)));
        assertEquals(1, plugin.score(new CycleState(), pod(tol("a", Operator.EXISTS, "", PREFER_NO_SCHEDULE)), NodeInfo.of(n)));
    }

    @Test
    void registersNodeTaintAndTolerationEvents() {
        assertEquals(Set.of(ClusterEvent.NODE_ADD, ClusterEvent.NODE_TAINT, ClusterEvent.POD_TOLERATIONS), plugin.eventsToRegister());
        assertEquals(TaintToleration.NAME, plugin.name());
    }
}
