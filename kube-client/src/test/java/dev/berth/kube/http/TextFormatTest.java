package dev.berth.kube.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextFormatTest {
    // Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) prints, as Prometheus' Go client does.
    static Stream<Arguments> doubles() {
        return Stream.of(
                Arguments.of(0.0, "0"),
                Arguments.of(1.0, "1"),
                Arguments.of(-1.0, "-1"),
                Arguments.of(42.0, "42"),
                Arguments.of(-2.5, "-2.5"),
                Arguments.of(0.001, "0.001"),
                Arguments.of(0.0001, "0.0001"),
                Arguments.of(0.00001, "1e-05"),
                Arguments.of(0.000015, "1.5e-05"),
                Arguments.of(0.00001 * 1.5, "1.5000000000000002e-05"),
                Arguments.of(16.384, "16.384"),
                Arguments.of(0.1 + 0.2, "0.30000000000000004"),
                Arguments.of(100000.0, "100000"),
                Arguments.of(123456.0, "123456"),
                Arguments.of(1000000.0, "1e+06"),
                Arguments.of(1234567.0, "1.234567e+06"),
                Arguments.of(1e21, "1e+21"),
                Arguments.of(1.5e-300, "1.5e-300"),
                Arguments.of(Double.NaN, "NaN"),
                Arguments.of(Double.POSITIVE_INFINITY, "+Inf"),
                Arguments.of(Double.NEGATIVE_INFINITY, "-Inf"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("doubles")
    void formatsNumbersLikeTheGoClient(double value, String want) {
        assertEquals(want, TextFormat.formatDouble(value));
    }

    static Stream<Arguments> labelValues() {
        return Stream.of(
                Arguments.of("plain", "default-scheduler", "default-scheduler"),
                Arguments.of("double quote", "say \"hi\"", "say \\\"hi\\\""),
                Arguments.of("backslash", "C:\\dir", "C:\\\\dir"),
                Arguments.of("newline", "two\nlines", "two\\nlines"),
                Arguments.of("all three", "\\\"\n", "\\\\\\\"\\n"),
                Arguments.of("unicode kept", "nœud", "nœud"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labelValues")
    void escapesLabelValues(String name, String value, String want) {
        var out = new StringBuilder();
        TextFormat.appendLabelValue(out, value);
        assertEquals(want, out.toString());
    }

    static Stream<Arguments> helpTexts() {
        return Stream.of(
                Arguments.of("quotes stay", "a \"quoted\" word", "a \"quoted\" word"),
                Arguments.of("backslash", "a\\b", "a\\\\b"),
                Arguments.of("newline", "a\nb", "a\\nb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("helpTexts")
    void escapesHelpTexts(String name, String help, String want) {
        var out = new StringBuilder();
        TextFormat.appendHelp(out, help);
        assertEquals(want, out.toString());
    }
}
