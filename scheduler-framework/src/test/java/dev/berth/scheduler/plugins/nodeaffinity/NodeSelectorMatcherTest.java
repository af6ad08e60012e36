package dev.berth.scheduler.plugins.nodeaffinity;

import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorRequirement.Operator;
import dev.berth.scheduler.model.NodeSelectorTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.DOES_NOT_EXIST;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.EXISTS;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.GT;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.IN;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.LT;
import static dev.berth.scheduler.model.NodeSelectorRequirement.Operator.NOT_IN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeSelectorMatcherTest {
    static final Node NODE = new Node("node-a", Map.of("zone", "eu-1", "kernel", "506", "text", "abc",
            "example.com/tier", "gold", "empty", ""), null, false, null, null);

    static NodeSelectorRequirement req(String key, Operator op, String... values) {
        return new NodeSelectorRequirement(key, op, List.of(values));
    }

    static NodeSelector expr(NodeSelectorRequirement r) {
        return new NodeSelector(List.of(new NodeSelectorTerm(List.of(r), List.of())));
    }

    static NodeSelector field(NodeSelectorRequirement r) {
        return new NodeSelector(List.of(new NodeSelectorTerm(List.of(), List.of(r))));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("In with the label's value", expr(req("zone", IN, "eu-1", "eu-2")), true),
                Arguments.of("In without the label's value", expr(req("zone", IN, "us-1")), false),
                Arguments.of("In on a missing label", expr(req("missing", IN, "x")), false),
                Arguments.of("In with an empty value matches an empty label", expr(req("empty", IN, "")), true),
                Arguments.of("In with no values is invalid", expr(req("zone", IN)), false),
                Arguments.of("NotIn with another value", expr(req("zone", NOT_IN, "us-1")), true),
                Arguments.of("NotIn with the label's value", expr(req("zone", NOT_IN, "eu-1")), false),
                Arguments.of("NotIn on a missing label matches", expr(req("missing", NOT_IN, "x")), true),
                Arguments.of("NotIn with no values is invalid", expr(req("missing", NOT_IN)), false),
                Arguments.of("Exists on a present label", expr(req("zone", EXISTS)), true),
                Arguments.of("Exists on an empty-valued label", expr(req("empty", EXISTS)), true),
                Arguments.of("Exists on a missing label", expr(req("missing", EXISTS)), false),
                Arguments.of("Exists with values is invalid", expr(req("zone", EXISTS, "eu-1")), false),
                Arguments.of("DoesNotExist on a missing label", expr(req("missing", DOES_NOT_EXIST)), true),
                Arguments.of("DoesNotExist on a present label", expr(req("zone", DOES_NOT_EXIST)), false),
                Arguments.of("DoesNotExist with values is invalid", expr(req("missing", DOES_NOT_EXIST, "x")), false),
                Arguments.of("Gt below the label", expr(req("kernel", GT, "505")), true),
                Arguments.of("Gt equal to the label", expr(req("kernel", GT, "506")), false),
                Arguments.of("Gt with leading zeros compares numerically", expr(req("kernel", GT, "0099")), true),
                Arguments.of("a bound with a plus sign is not a valid label value", expr(req("kernel", GT, "+1")), false),
                Arguments.of("Lt above the label", expr(req("kernel", LT, "507")), true),
                Arguments.of("Lt equal to the label", expr(req("kernel", LT, "506")), false),
                Arguments.of("Gt on a non-integer label", expr(req("text", GT, "1")), false),
                Arguments.of("Lt on a missing label", expr(req("missing", LT, "1")), false),
                Arguments.of("Gt with a non-integer bound is invalid", expr(req("kernel", GT, "five")), false),
                Arguments.of("Gt with a decimal bound is invalid", expr(req("kernel", GT, "1.5")), false),
                Arguments.of("Gt with two bounds is invalid", expr(req("kernel", GT, "1", "2")), false),
                Arguments.of("Gt without a bound is invalid", expr(req("kernel", GT)), false),
                Arguments.of("Gt bound beyond int64 is invalid", expr(req("kernel", GT, "9223372036854775808")), false),
                Arguments.of("a negative bound is not a valid label value", expr(req("kernel", GT, "-5")), false),
                Arguments.of("a prefixed key", expr(req("example.com/tier", IN, "gold")), true),
                Arguments.of("a key with a space is invalid", expr(req("invalid key", NOT_IN, "x")), false),
                Arguments.of("a key with an upper-case prefix is invalid", expr(req("Example.com/tier", NOT_IN, "x")), false),
                Arguments.of("a key with two slashes is invalid", expr(req("a/b/c", NOT_IN, "x")), false),
                Arguments.of("a key with an empty prefix is invalid", expr(req("/tier", NOT_IN, "x")), false),
                Arguments.of("a name part over 63 characters is invalid", expr(req("k".repeat(64), NOT_IN, "x")), false),
                Arguments.of("a value over 63 characters is invalid", expr(req("zone", NOT_IN, "v".repeat(64))), false),
                Arguments.of("matchFields In on the node name", field(req("metadata.name", IN, "node-a")), true),
                Arguments.of("matchFields In on another name", field(req("metadata.name", IN, "node-b")), false),
                Arguments.of("matchFields NotIn on another name", field(req("metadata.name", NOT_IN, "node-b")), true),
                Arguments.of("matchFields NotIn on the node name", field(req("metadata.name", NOT_IN, "node-a")), false),
                Arguments.of("matchFields In with two values is invalid", field(req("metadata.name", IN, "node-a", "node-b")), false),
                Arguments.of("matchFields Exists is invalid", field(req("metadata.name", EXISTS)), false),
                Arguments.of("matchFields In on an unknown field reads it as empty", field(req("metadata.uid", IN, "x")), false),
                Arguments.of("matchFields NotIn on an unknown field reads it as empty", field(req("metadata.uid", NOT_IN, "x")), true),
                Arguments.of("no terms match nothing", new NodeSelector(List.of()), false),
                Arguments.of("an empty term matches nothing", new NodeSelector(List.of(new NodeSelectorTerm(List.of(), List.of()))), false),
                Arguments.of("an invalid term does not stop a valid one", new NodeSelector(List.of(
                        new NodeSelectorTerm(List.of(req("kernel", GT, "x")), List.of()),
                        new NodeSelectorTerm(List.of(req("zone", EXISTS)), List.of()))), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matches(String name, NodeSelector selector, boolean want) {
        assertEquals(want, NodeSelectorMatcher.lazy(selector).matches(NODE));
    }

    @Test
    void fieldRequirementsAreIgnoredForANodeWithoutName() {
        Node unnamed = new Node("", Map.of(), null, false, null, null);
        assertTrue(NodeSelectorMatcher.lazy(field(req("metadata.name", IN, "node-a"))).matches(unnamed));
    }

    @Test
    void strictCompilationReportsEveryErrorWithItsPath() {
        NodeSelector bad = new NodeSelector(List.of(
                new NodeSelectorTerm(List.of(req("zone", IN)), List.of()),
                new NodeSelectorTerm(List.of(), List.of(req("metadata.name", LT, "1")))));
        var e = assertThrows(IllegalArgumentException.class, () -> NodeSelectorMatcher.strict(bad, "spec"));
        assertTrue(e.getMessage().contains("spec.nodeSelectorTerms[0].matchExpressions[0].values"), e.getMessage());
        assertTrue(e.getMessage().contains("spec.nodeSelectorTerms[1].matchFields[0].operator"), e.getMessage());
    }

    @Test
    void requiredNodeAffinityAndsNodeSelectorWithTerms() {
        var pod = dev.berth.scheduler.model.Pod.builder("p").nodeSelector("zone", "eu-1")
                .nodeAffinity(new dev.berth.scheduler.model.NodeAffinity(expr(req("kernel", GT, "500")), List.of())).build();
        assertTrue(NodeSelectorMatcher.RequiredNodeAffinity.of(pod).matches(NODE));
        var other = new Node("node-b", Map.of("zone", "eu-2", "kernel", "506"), null, false, null, null);
        assertEquals(false, NodeSelectorMatcher.RequiredNodeAffinity.of(pod).matches(other));
    }
}
