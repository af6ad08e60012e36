package dev.berth.scheduler.plugins.helper;

import dev.berth.scheduler.framework.Plugin;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreNormalizerTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("scales linearly to the maximum", false, new long[]{1, 2, 3, 4}, new long[]{25, 50, 75, 100}),
                Arguments.of("reversed linear scale", true, new long[]{1, 2, 3, 4}, new long[]{75, 50, 25, 0}),
                Arguments.of("integer division rounds down", false, new long[]{1000, 10, 20, 30}, new long[]{100, 1, 2, 3}),
                Arguments.of("reversed after rounding down", true, new long[]{1000, 10, 20, 30}, new long[]{0, 99, 98, 97}),
                Arguments.of("equal scores all become the maximum", false, new long[]{1, 1, 1, 1}, new long[]{100, 100, 100, 100}),
                Arguments.of("small scores next to a large one round to zero", false, new long[]{1000, 1, 1, 1}, new long[]{100, 0, 0, 0}),
                Arguments.of("reversed with a zero score", true, new long[]{0, 1, 1, 1}, new long[]{100, 0, 0, 0}),
                Arguments.of("all zero stays zero", false, new long[]{0, 0, 0}, new long[]{0, 0, 0}),
                Arguments.of("all zero reversed becomes the maximum", true, new long[]{0, 0, 0}, new long[]{100, 100, 100}),
                Arguments.of("no scores", true, new long[]{}, new long[]{}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void normalizes(String name, boolean reverse, long[] scores, long[] want) {
        assertTrue(ScoreNormalizer.defaultNormalize(Plugin.Score.MAX_NODE_SCORE, reverse, scores).isSuccess());
        assertArrayEquals(want, scores);
    }
}
