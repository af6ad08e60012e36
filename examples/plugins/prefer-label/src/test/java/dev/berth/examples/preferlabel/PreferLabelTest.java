package dev.berth.examples.preferlabel;

import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.model.Node;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PreferLabelTest {
    private static final PreferLabelArgs SSD = new PreferLabelArgs("disktype", "ssd", null);

    record Case(String name, Node node, long score) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("label with the value", Node.builder("a").label("disktype", "ssd").build(), 100),
                new Case("label with another value", Node.builder("b").label("disktype", "hdd").build(), 0),
                new Case("no such label", Node.builder("c").label("zone", "ssd").build(), 0),
                new Case("empty value differs", Node.builder("d").label("disktype", "").build(), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scoresAndFilters(Case tc) {
        NodeInfo node = NodeInfo.of(tc.node());
        assertEquals(tc.score(), PreferLabel.create(SSD).score(null, null, node));

        var required = (Plugin.Filter) PreferLabel.create(new PreferLabelArgs("disktype", "ssd", true));
        var status = required.filter(null, null, node);
        if (tc.score() == 100) {
            assertEquals(Code.SUCCESS, status.code());
        } else {
            assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, status.code());
            assertEquals(List.of("node(s) didn't have the preferred label"), status.reasons());
        }
    }

    @Test
    void filtersOnlyWhenRequired() {
        assertFalse(PreferLabel.create(SSD) instanceof Plugin.Filter);
        assertFalse(PreferLabel.create(new PreferLabelArgs("disktype", "ssd", false)) instanceof Plugin.Filter);
        assertInstanceOf(Plugin.Filter.class, PreferLabel.create(new PreferLabelArgs("disktype", "ssd", true)));
    }

    @Test
    void argsAreRequired() {
        assertEquals("label: required (the node label PreferLabel looks at)",
                assertThrows(IllegalArgumentException.class, () -> PreferLabel.create(null)).getMessage());
        assertEquals("value: required (the value label disktype must have)",
                assertThrows(IllegalArgumentException.class,
                        () -> PreferLabel.create(new PreferLabelArgs("disktype", null, null))).getMessage());
    }
}
