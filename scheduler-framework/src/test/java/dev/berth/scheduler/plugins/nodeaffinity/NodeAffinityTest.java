package dev.berth.scheduler.plugins.nodeaffinity;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin.PreFilterResult;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorRequirement.Operator;
import dev.berth.scheduler.model.NodeSelectorTerm;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.PreferredSchedulingTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.DOES_NOT_EXIST;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.EXISTS;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.GT;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.IN;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.NOT_IN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeAffinityTest {
    static final String NAME_FIELD = NodeSelectorMatcher.NODE_NAME_FIELD;

    static NodeSelectorRequirement req(String key, Operator op, String... values) {
        return new NodeSelectorRequirement(key, op, List.of(values));
    }

    static NodeSelectorTerm exprs(NodeSelectorRequirement... r) {
        return new NodeSelectorTerm(List.of(r), List.of());
    }

    static NodeSelectorTerm fields(NodeSelectorRequirement... r) {
        return new NodeSelectorTerm(List.of(), List.of(r));
    }

    static dev.berth.scheduler.model.NodeAffinity required(NodeSelectorTerm... terms) {
        return new dev.berth.scheduler.model.NodeAffinity(new NodeSelector(List.of(terms)), List.of());
    }

    static dev.berth.scheduler.model.NodeAffinity preferred(PreferredSchedulingTerm... terms) {
        return new dev.berth.scheduler.model.NodeAffinity(null, List.of(terms));
    }

    static PreferredSchedulingTerm pref(int weight, NodeSelectorRequirement... r) {
        return new PreferredSchedulingTerm(weight, exprs(r));
    }

    static Pod podRequiring(NodeSelectorTerm... terms) {
        return Pod.builder("p").nodeAffinity(required(terms)).build();
    }

    static Node node(String name, Map<String, String> labels) {
        return new Node(name, labels, null, false, null, null);
    }

    static NodeAffinity plugin(NodeAffinityArgs args) {
        return (NodeAffinity) NodeAffinity.factory().create(cast(args), null);
    }

    @SuppressWarnings("unchecked")
    private static <A> A cast(Object o) {
        return (A) o;
    }

    /** One Filter case: PreFilter (unless disabled) then Filter against one node. */
    static final class FilterCase {
        final String name;
        Pod pod = Pod.builder("p").build();
        Map<String, String> labels = Map.of();
        String nodeName = "node1";
        NodeAffinityArgs args;
        boolean runPreFilter = true;
        Code wantPreFilter = Code.SUCCESS;
        String wantPreFilterReason;
        Set<String> wantShortlist;
        Status wantFilter = Status.SUCCESS;

        FilterCase(String name) {
            this.name = name;
        }

        FilterCase pod(Pod p) { pod = p; return this; }
        FilterCase labels(Map<String, String> l) { labels = l; return this; }
        FilterCase nodeName(String n) { nodeName = n; return this; }
        FilterCase args(NodeAffinityArgs a) { args = a; return this; }
        FilterCase noPreFilter() { runPreFilter = false; return this; }
        FilterCase preFilterSkip() { wantPreFilter = Code.SKIP; return this; }
        FilterCase preFilterRejects(String reason) { wantPreFilter = Code.UNSCHEDULABLE_AND_UNRESOLVABLE; wantPreFilterReason = reason; return this; }
        FilterCase shortlist(String... names) { wantShortlist = Set.of(names); return this; }
        FilterCase rejectedForPod() { wantFilter = Status.unresolvable(NodeAffinity.ERR_REASON_POD); return this; }
        FilterCase rejectedEnforced() { wantFilter = Status.unresolvable(NodeAffinity.ERR_REASON_ENFORCED); return this; }

        @Override
        public String toString() {
            return name;
        }
    }

    static FilterCase c(String name) {
        return new FilterCase(name);
    }

    static Stream<FilterCase> filterCases() {
        NodeAffinityArgs addedNode2 = new NodeAffinityArgs(required(fields(req(NAME_FIELD, IN, "node2"))));
        return Stream.of(
                c("missing labels").pod(Pod.builder("p").nodeSelector("foo", "bar").build()).rejectedForPod(),
                c("same labels").pod(Pod.builder("p").nodeSelector("foo", "bar").build()).labels(Map.of("foo", "bar")),
                c("node labels are superset").pod(Pod.builder("p").nodeSelector("foo", "bar").build())
                        .labels(Map.of("foo", "bar", "baz", "blah")),
                c("node labels are subset").pod(Pod.builder("p").nodeSelector("foo", "bar").nodeSelector("baz", "blah").build())
                        .labels(Map.of("foo", "bar")).rejectedForPod(),
                c("In matches").pod(podRequiring(exprs(req("foo", IN, "bar", "value2")))).labels(Map.of("foo", "bar")),
                c("Gt matches").pod(podRequiring(exprs(req("kernel-version", GT, "0204")))).labels(Map.of("kernel-version", "0206")),
                c("NotIn matches").pod(podRequiring(exprs(req("mem-type", NOT_IN, "DDR", "DDR2")))).labels(Map.of("mem-type", "DDR3")),
                c("Exists matches").pod(podRequiring(exprs(req("GPU", EXISTS)))).labels(Map.of("GPU", "NVIDIA-GRID-K1")),
                c("In doesn't match").pod(podRequiring(exprs(req("foo", IN, "value1", "value2")))).labels(Map.of("foo", "bar")).rejectedForPod(),
                c("a term with empty matchExpressions matches nothing").pod(podRequiring(exprs())).labels(Map.of("foo", "bar")).rejectedForPod(),
                c("an empty term list matches nothing").pod(podRequiring()).labels(Map.of("foo", "bar")).rejectedForPod(),
                c("no affinity: PreFilter skips").labels(Map.of("foo", "bar")).preFilterSkip(),
                c("affinity without required terms: PreFilter skips")
                        .pod(Pod.builder("p").nodeAffinity(preferred(pref(1, req("a", EXISTS)))).build()).preFilterSkip(),
                c("expressions in a term are ANDed, match").pod(podRequiring(exprs(req("GPU", EXISTS), req("GPU", NOT_IN, "AMD", "INTER"))))
                        .labels(Map.of("GPU", "NVIDIA-GRID-K1")),
                c("expressions in a term are ANDed, no match").pod(podRequiring(exprs(req("GPU", EXISTS), req("GPU", IN, "AMD", "INTER"))))
                        .labels(Map.of("GPU", "NVIDIA-GRID-K1")).rejectedForPod(),
                c("terms are ORed").pod(podRequiring(exprs(req("foo", IN, "bar", "value2")), exprs(req("diffkey", IN, "wrong", "value2"))))
                        .labels(Map.of("foo", "bar")),
                c("an empty term beside a matching one is ignored").pod(podRequiring(exprs(), exprs(req("foo", EXISTS))))
                        .labels(Map.of("foo", "bar")),
                c("nodeSelector and affinity both satisfied")
                        .pod(Pod.builder("p").nodeSelector("foo", "bar").nodeAffinity(required(exprs(req("foo", EXISTS)))).build())
                        .labels(Map.of("foo", "bar")),
                c("affinity satisfied but nodeSelector not")
                        .pod(Pod.builder("p").nodeSelector("foo", "bar").nodeAffinity(required(exprs(req("foo", EXISTS)))).build())
                        .labels(Map.of("foo", "barrrrrr")).rejectedForPod(),
                c("an invalid label value makes the term match nothing")
                        .pod(podRequiring(exprs(req("foo", NOT_IN, "invalid value: ___@#$%^")))).labels(Map.of("foo", "bar")).rejectedForPod(),
                c("matchFields In matches the node").pod(podRequiring(fields(req(NAME_FIELD, IN, "node1"))))
                        .nodeName("node1").shortlist("node1"),
                c("matchFields In doesn't match another node").pod(podRequiring(fields(req(NAME_FIELD, IN, "node1"))))
                        .nodeName("node2").shortlist("node1").rejectedForPod(),
                c("two terms: fields don't match but expressions do")
                        .pod(podRequiring(fields(req(NAME_FIELD, IN, "node1"), req(NAME_FIELD, IN, "node2")), exprs(req("foo", IN, "bar"))))
                        .nodeName("node2").labels(Map.of("foo", "bar")),
                c("one term: fields don't match, expressions do")
                        .pod(podRequiring(new NodeSelectorTerm(List.of(req("foo", IN, "bar")), List.of(req(NAME_FIELD, IN, "node1")))))
                        .nodeName("node2").labels(Map.of("foo", "bar")).shortlist("node1").rejectedForPod(),
                c("one term: fields and expressions both match")
                        .pod(podRequiring(new NodeSelectorTerm(List.of(req("foo", IN, "bar")), List.of(req(NAME_FIELD, IN, "node1")))))
                        .nodeName("node1").labels(Map.of("foo", "bar")).shortlist("node1"),
                c("two terms: neither fields nor expressions match")
                        .pod(podRequiring(fields(req(NAME_FIELD, IN, "node1")), exprs(req("foo", IN, "not-match-to-bar"))))
                        .nodeName("node2").labels(Map.of("foo", "bar")).rejectedForPod(),
                c("two node-name terms give the union as shortlist")
                        .pod(podRequiring(fields(req(NAME_FIELD, IN, "node1")), fields(req(NAME_FIELD, IN, "node2"))))
                        .nodeName("node2").shortlist("node1", "node2"),
                c("conflicting node-name requirements in a term")
                        .pod(podRequiring(fields(req(NAME_FIELD, IN, "node1"), req(NAME_FIELD, IN, "node2"))))
                        .nodeName("node2").labels(Map.of("foo", "bar"))
                        .preFilterRejects(NodeAffinity.ERR_REASON_CONFLICT).rejectedForPod(),
                c("matches added affinity and the pod's affinity").pod(podRequiring(exprs(req("zone", IN, "foo"))))
                        .nodeName("node2").labels(Map.of("zone", "foo")).args(addedNode2),
                c("matches added affinity but not the pod's").pod(podRequiring(exprs(req("zone", IN, "bar"))))
                        .nodeName("node2").labels(Map.of("zone", "foo")).args(addedNode2).rejectedForPod(),
                c("doesn't match added affinity").nodeName("node2").labels(Map.of("zone", "foo"))
                        .args(new NodeAffinityArgs(required(exprs(req("zone", IN, "bar"))))).rejectedEnforced(),
                c("added affinity is checked before the pod's").pod(podRequiring(exprs(req("zone", IN, "bar"))))
                        .nodeName("node3").labels(Map.of("zone", "foo")).args(addedNode2).rejectedEnforced(),
                c("nodeSelector matches without PreFilter").pod(Pod.builder("p").nodeSelector("foo", "bar").build())
                        .labels(Map.of("foo", "bar", "baz", "blah")).noPreFilter(),
                c("affinity matches without PreFilter").pod(podRequiring(exprs(req("GPU", EXISTS), req("GPU", NOT_IN, "AMD", "INTER"))))
                        .labels(Map.of("GPU", "NVIDIA-GRID-K1")).noPreFilter(),
                c("affinity rejects without PreFilter").pod(podRequiring(exprs(req("GPU", DOES_NOT_EXIST))))
                        .labels(Map.of("GPU", "NVIDIA-GRID-K1")).noPreFilter().rejectedForPod());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(FilterCase tc) {
        NodeAffinity plugin = plugin(tc.args);
        NodeInfo node = NodeInfo.of(node(tc.nodeName, tc.labels));
        CycleState state = new CycleState();
        if (tc.runPreFilter) {
            PreFilterResult pre = plugin.preFilter(state, tc.pod, List.of(node));
            assertEquals(tc.wantPreFilter, pre.status().code(), "PreFilter code");
            assertEquals(tc.wantPreFilterReason == null ? List.of() : List.of(tc.wantPreFilterReason), pre.status().reasons());
            assertEquals(tc.wantShortlist, pre.nodeNames(), "PreFilter shortlist");
        }
        Status got = plugin.filter(state, tc.pod, node);
        assertEquals(tc.wantFilter.code(), got.code(), "Filter code");
        assertEquals(tc.wantFilter.reasons(), got.reasons());
    }

    /** One Score case: PreScore, Score every node, NormalizeScore. */
    record ScoreCase(String name, Pod pod, List<Node> nodes, NodeAffinityArgs args, long[] want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ScoreCase> scoreCases() {
        Map<String, String> label1 = Map.of("foo", "bar");
        Map<String, String> label2 = Map.of("key", "value");
        Map<String, String> label3 = Map.of("az", "az1");
        Map<String, String> label4 = Map.of("abc", "az11", "def", "az22");
        Map<String, String> label5 = Map.of("foo", "bar", "key", "value", "az", "az1");
        var affinity1 = preferred(pref(2, req("foo", IN, "bar")));
        var affinity2 = preferred(pref(2, req("foo", IN, "bar")), pref(4, req("key", IN, "value")),
                pref(5, req("foo", IN, "bar"), req("key", IN, "value"), req("az", IN, "az1")));
        return Stream.of(
                new ScoreCase("no node matches the preferred terms", Pod.builder("p").nodeAffinity(affinity1).build(),
                        List.of(node("node1", label4), node("node2", label2), node("node3", label3)), null, new long[]{0, 0, 0}),
                new ScoreCase("only node1 matches", Pod.builder("p").nodeAffinity(affinity1).build(),
                        List.of(node("node1", label1), node("node2", label2), node("node3", label3)), null, new long[]{100, 0, 0}),
                new ScoreCase("all nodes match with different weights", Pod.builder("p").nodeAffinity(affinity2).build(),
                        List.of(node("node1", label1), node("node5", label5), node("node2", label2)), null, new long[]{18, 100, 36}),
                new ScoreCase("added preferred affinity alone", Pod.builder("p").build(),
                        List.of(node("node1", label1), node("node2", label2)), new NodeAffinityArgs(affinity1), new long[]{100, 0}),
                new ScoreCase("added preferred affinity adds to the pod's", Pod.builder("p").nodeAffinity(affinity1).build(),
                        List.of(node("node1", label1), node("node2", label2), node("node3", label5)),
                        new NodeAffinityArgs(preferred(pref(3, req("key", IN, "value")))), new long[]{40, 60, 100}),
                new ScoreCase("terms of weight 0 and empty terms count nothing", Pod.builder("p")
                        .nodeAffinity(preferred(pref(0, req("foo", IN, "bar")), new PreferredSchedulingTerm(7, exprs()),
                                pref(1, req("key", EXISTS)))).build(),
                        List.of(node("node1", label1), node("node2", label2)), null, new long[]{0, 100}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void score(ScoreCase tc) {
        NodeAffinity plugin = plugin(tc.args());
        List<NodeInfo> infos = tc.nodes().stream().map(NodeInfo::of).toList();
        CycleState state = new CycleState();
        assertEquals(Code.SUCCESS, plugin.preScore(state, tc.pod(), infos).code());
        assertArrayEquals(tc.want(), normalized(plugin, state, tc.pod(), infos));
        // The same result when Score is called without PreScore.
        assertArrayEquals(tc.want(), normalized(plugin, new CycleState(), tc.pod(), infos));
    }

    private static long[] normalized(NodeAffinity plugin, CycleState state, Pod pod, List<NodeInfo> infos) {
        long[] scores = new long[infos.size()];
        for (int i = 0; i < infos.size(); i++) {
            scores[i] = plugin.score(state, pod, infos.get(i));
        }
        assertTrue(plugin.normalizeScore(state, pod, infos, scores).isSuccess());
        return scores;
    }

    @Test
    void preScoreSkipsWithoutPreferredTerms() {
        assertEquals(Code.SKIP, plugin(null).preScore(new CycleState(), Pod.builder("p").build(), List.of()).code());
        Pod requiredOnly = podRequiring(exprs(req("a", EXISTS)));
        assertEquals(Code.SKIP, plugin(new NodeAffinityArgs(null)).preScore(new CycleState(), requiredOnly, List.of()).code());
    }

    @Test
    void preScoreFailsOnAnInvalidPreferredTerm() {
        Pod broken = Pod.builder("broken").nodeAffinity(preferred(pref(2, req("invalid key", IN, "bar")))).build();
        Status s = plugin(null).preScore(new CycleState(), broken, List.of(NodeInfo.of(node("node1", Map.of()))));
        assertEquals(Code.ERROR, s.code());
        assertTrue(s.message().contains("default/broken"), s.message());
        assertTrue(s.message().contains("preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].key"), s.message());
        assertThrows(IllegalArgumentException.class,
                () -> plugin(null).score(new CycleState(), broken, NodeInfo.of(node("node1", Map.of()))));
    }

    @Test
    void invalidAddedAffinityIsRejectedNamingTheField() {
        var badRequired = new NodeAffinityArgs(required(exprs(req("zone", GT, "not-a-number"))));
        var e = assertThrows(IllegalArgumentException.class, () -> plugin(badRequired));
        assertTrue(e.getMessage().startsWith("addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"), e.getMessage());
        var badPreferred = new NodeAffinityArgs(preferred(pref(1, req("zone", IN))));
        e = assertThrows(IllegalArgumentException.class, () -> plugin(badPreferred));
        assertTrue(e.getMessage().startsWith("addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"), e.getMessage());
    }

    @Test
    void factoryDeclaresArgsAndEvents() {
        assertEquals(NodeAffinityArgs.class, NodeAffinity.factory().argsType());
        assertEquals(NodeAffinity.NAME, NodeAffinity.factory().name());
        assertEquals(Set.of(ClusterEvent.NODE_ADD, ClusterEvent.NODE_LABEL), plugin(null).eventsToRegister());
    }

    @Test
    void preFilterWithOnlyAddedAffinityDoesNotSkip() {
        PreFilterResult pre = plugin(new NodeAffinityArgs(required(exprs(req("zone", EXISTS)))))
                .preFilter(new CycleState(), Pod.builder("p").build(), List.of());
        assertEquals(Code.SUCCESS, pre.status().code());
        assertNull(pre.nodeNames());
    }
}
