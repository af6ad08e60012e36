package dev.berth.scheduler.plugins.tainttoleration;

import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;
import dev.berth.scheduler.model.Toleration.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.berth.scheduler.model.TaintEffect.NO_EXECUTE;
import static dev.berth.scheduler.model.TaintEffect.NO_SCHEDULE;
import static dev.berth.scheduler.model.TaintEffect.PREFER_NO_SCHEDULE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TolerationsTest {
    static Toleration tol(String key, Operator op, String value, TaintEffect effect) {
        return new Toleration(key, op, value, effect, null);
    }

    static Stream<Arguments> cases() {
        Taint fooBarNoSchedule = new Taint("foo", "bar", NO_SCHEDULE);
        return Stream.of(
                Arguments.of("Equal with same key, value and effect", tol("foo", Operator.EQUAL, "bar", NO_SCHEDULE), fooBarNoSchedule, true),
                Arguments.of("Equal with another value", tol("foo", Operator.EQUAL, "baz", NO_SCHEDULE), fooBarNoSchedule, false),
                Arguments.of("Equal with empty value against a valued taint", tol("foo", Operator.EQUAL, "", NO_SCHEDULE), fooBarNoSchedule, false),
                Arguments.of("Equal with empty value against an unvalued taint", tol("foo", Operator.EQUAL, "", NO_SCHEDULE), new Taint("foo", "", NO_SCHEDULE), true),
                Arguments.of("Exists ignores the value", tol("foo", Operator.EXISTS, "", NO_SCHEDULE), fooBarNoSchedule, true),
                Arguments.of("Exists with another key", tol("other", Operator.EXISTS, "", NO_SCHEDULE), fooBarNoSchedule, false),
                Arguments.of("no effect matches every effect", tol("foo", Operator.EQUAL, "bar", null), new Taint("foo", "bar", NO_EXECUTE), true),
                Arguments.of("a different effect does not match", tol("foo", Operator.EQUAL, "bar", PREFER_NO_SCHEDULE), fooBarNoSchedule, false),
                Arguments.of("empty key with Exists matches everything", tol("", Operator.EXISTS, "", null), new Taint("any", "thing", NO_EXECUTE), true),
                Arguments.of("empty key with Exists still respects the effect", tol("", Operator.EXISTS, "", NO_SCHEDULE), new Taint("any", "thing", NO_EXECUTE), false),
                Arguments.of("empty key with Equal compares only the value", tol("", Operator.EQUAL, "bar", null), new Taint("any", "bar", NO_SCHEDULE), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tolerates(String name, Toleration toleration, Taint taint, boolean want) {
        assertEquals(want, Tolerations.tolerates(toleration, taint));
    }

    @Test
    void findUntoleratedReturnsTheFirstApplicableUntoleratedTaintInNodeOrder() {
        List<Taint> taints = List.of(new Taint("soft", "", PREFER_NO_SCHEDULE), new Taint("a", "1", NO_SCHEDULE),
                new Taint("b", "2", NO_EXECUTE));
        List<Toleration> tolerations = List.of(tol("a", Operator.EXISTS, "", null));
        assertEquals(Optional.of(taints.get(2)), Tolerations.findUntolerated(taints, tolerations, Tolerations::isDoNotSchedule));
        assertEquals(Optional.empty(), Tolerations.findUntolerated(taints,
                List.of(tol("", Operator.EXISTS, "", null)), Tolerations::isDoNotSchedule));
    }
}
