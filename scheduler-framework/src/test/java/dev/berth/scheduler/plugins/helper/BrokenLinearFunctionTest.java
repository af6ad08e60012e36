package dev.berth.scheduler.plugins.helper;

import dev.berth.scheduler.plugins.helper.BrokenLinearFunction.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The piecewise-linear shape function, with upstream's TestBrokenLinearFunction tables. */
class BrokenLinearFunctionTest {
    record Case(String name, List<Point> shape, long p, long expected) {
        @Override
        public String toString() {
            return name + " f(" + p + ") = " + expected;
        }
    }

    private static Stream<Case> table(String name, List<Point> shape, long... pairs) {
        Stream.Builder<Case> b = Stream.builder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.add(new Case(name, shape, pairs[i], pairs[i + 1]));
        }
        return b.build();
    }

    static Stream<Case> cases() {
        return Stream.of(
                table("rising between 10 and 90", List.of(new Point(10, 1), new Point(90, 9)),
                        -10, 1, 0, 1, 9, 1, 10, 1, 15, 1, 19, 1, 20, 2, 89, 8, 90, 9, 99, 9, 100, 9, 110, 9),
                table("up then down", List.of(new Point(0, 2), new Point(40, 10), new Point(100, 0)),
                        -10, 2, 0, 2, 20, 6, 30, 8, 40, 10, 70, 5, 100, 0, 110, 0),
                table("flat", List.of(new Point(0, 2), new Point(40, 2), new Point(100, 2)),
                        -10, 2, 0, 2, 20, 2, 30, 2, 40, 2, 70, 2, 100, 2, 110, 2),
                table("single point is constant", List.of(new Point(50, 7)), 0, 7, 50, 7, 100, 7),
                // Integer division truncates toward zero on a falling segment: 100 - 100*33/100 = 67.
                table("falling 0-100 scaled to node scores", List.of(new Point(0, 100), new Point(100, 0)), 33, 67, 75, 25))
                .flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluates(Case c) {
        assertEquals(c.expected(), BrokenLinearFunction.of(c.shape()).applyAsLong(c.p()));
    }

    @Test
    void rejectsEmptyShape() {
        assertThrows(IllegalArgumentException.class, () -> BrokenLinearFunction.of(List.of()));
    }
}
