package dev.berth.scheduler.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Quantity parsing checked against the API machinery's resource.Quantity behaviour. */
class QuantityTest {

    static Stream<Arguments> amounts() {
        return Stream.of(
                arguments("zero", "0", "0"),
                arguments("plain integer", "9", "9"),
                arguments("milli suffix", "100m", "0.1"),
                arguments("decimal fraction", "0.5", "0.5"),
                arguments("leading dot", ".5", "0.5"),
                arguments("trailing dot", "1.", "1"),
                arguments("trailing dot then suffix", "1.G", "1000000000"),
                arguments("explicit plus", "+1", "1"),
                arguments("negative", "-1", "-1"),
                arguments("negative fraction with binary suffix", "-1.025Ki", "-1049.6"),
                arguments("nano suffix", "5n", "0.000000005"),
                arguments("micro suffix", "4u", "0.000004"),
                arguments("kilo", "8k", "8000"),
                arguments("fractional kilo", "100.035k", "100035"),
                arguments("mega (decimal)", "500M", "500000000"),
                arguments("giga", "6G", "6000000000"),
                arguments("tera", "5T", "5000000000000"),
                arguments("peta", "2P", "2000000000000000"),
                arguments("lone E is exa", "2E", "2000000000000000000"),
                arguments("fractional exa", "1.01E", "1010000000000000000"),
                arguments("kibi", "1Ki", "1024"),
                arguments("mebi", "7Mi", "7340032"),
                arguments("fractional gibi", "1.5Gi", "1610612736"),
                arguments("half a mebi", "0.5Mi", "524288"),
                arguments("tebi", "5Ti", "5497558138880"),
                arguments("exbi", "3Ei", "3458764513820540928"),
                arguments("lower-case exponent", "1e3", "1000"),
                arguments("upper-case E then digits is an exponent", "2E3", "2000"),
                arguments("negative exponent", "1E-3", "0.001"),
                arguments("exponent with plus", "1.3E+6", "1300000"),
                arguments("fraction with exponent", "1.2e3", "1200"),
                arguments("zero exponent", "0.5e0", "0.5"),
                // Upstream rounds anything finer than a nano up to the next nano, away from zero.
                arguments("rounds up below nano", "3.001n", "0.000000004"),
                arguments("tiny decimal rounds to one nano", "0.0000000001", "0.000000001"),
                arguments("tiny exponent rounds to one nano", "0.5e-9", "0.000000001"),
                arguments("tiny binary rounds to nanos", "0.000000000001Ki", "0.000000002"),
                arguments("digits past nano round up", "0.00000012345", "0.000000124"),
                arguments("negative tiny rounds away from zero", "-0.0000000001", "-0.000000001"),
                arguments("far below nano", "1.5e-2147483647", "0.000000001"),
                // Binary amounts are capped at 2^63-1; decimal ones are not.
                arguments("binary capped at int64 max", "9Ei", "9223372036854775807"),
                arguments("huge binary capped", "9223372036854775807Ki", "9223372036854775807"),
                arguments("decimal past int64 is kept", "12E", "12000000000000000000"),
                // Upstream quirk: a missing number is zero.
                arguments("lone dot", ".", "0"),
                arguments("minus dot", "-.", "0"),
                arguments("lone plus", "+", "0"),
                arguments("suffix only", "Ki", "0"),
                arguments("milli only", "m", "0"),
                arguments("zero with suffix", "0Gi", "0"),
                // JSON decoding trims white space before parsing.
                arguments("surrounding spaces", " 1Gi ", "1073741824"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("amounts")
    void parsesLikeUpstream(String name, String text, String expected) {
        BigDecimal got = Quantity.parse(text);
        assertEquals(0, new BigDecimal(expected).compareTo(got), () -> text + " parsed as " + got.toPlainString());
    }

    static Stream<Arguments> conversions() {
        return Stream.of(
                arguments("100m cpu", "100m", 1L, 100L),
                arguments("half", "0.5", 1L, 500L),
                arguments("one and a half", "1.5", 2L, 1500L),
                arguments("whole cores", "2", 2L, 2000L),
                arguments("fraction of a milli rounds up", "0.0001", 1L, 1L),
                arguments("1.1 rounds up", "1.1", 2L, 1100L),
                arguments("negative rounds away from zero", "-1.1", -2L, -1100L),
                arguments("negative milli rounds away from zero", "-0.0001", -1L, -1L),
                arguments("memory", "1.5Gi", 1610612736L, 1610612736000L),
                arguments("capped binary", "9Ei", Long.MAX_VALUE, null),
                arguments("exponent", "1e3", 1000L, 1000000L));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("conversions")
    void convertsRoundingAwayFromZero(String name, String text, long value, Long milli) {
        assertEquals(value, Quantity.value(text));
        if (milli != null) {
            assertEquals(milli, Quantity.milliValue(text));
        }
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("two dots", "1.1.M"),
                arguments("sign in the middle", "1+1.0M"),
                arguments("milli-binary", "0.1mi"),
                arguments("unknown suffix", "0.1am"),
                arguments("letters", "aoeu"),
                arguments("letters abc", "abc"),
                arguments("i alone after a fraction", ".5i"),
                arguments("i alone", "1i"),
                arguments("negative i", "-3.01i"),
                arguments("exponent without digits", "-3.01e-"),
                arguments("bare e", "1e"),
                arguments("upper-case K is not kilo", "1K"),
                arguments("lower-case ki", "1ki"),
                arguments("space inside", "1 Gi"),
                arguments("hexadecimal", "0x10"),
                arguments("comma", "1,5"),
                arguments("non-ASCII digit", "\uFF11"),
                arguments("two suffixes", "1Gi1"),
                arguments("exponent after SI suffix", "1me3"),
                arguments("exponent past int32", "1e4294967297"),
                arguments("exponent just past int32", "1e2147483648"),
                arguments("exponent at int32 min", "1e-2147483648"),
                arguments("empty", ""),
                arguments("blank", "   "));
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @MethodSource("invalid")
    void rejectsInvalidForms(String name, String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse(text));
        assertTrue(e.getMessage().contains("not a valid Kubernetes quantity") || e.getMessage().equals("quantity is empty"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tooLarge")
    void refusesValuesThatOverflow(String name, String text, boolean milli) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> { if (milli) { Quantity.milliValue(text); } else { Quantity.value(text); } });
        assertTrue(e.getMessage().contains("is too large"), e.getMessage());
    }

    static Stream<Arguments> tooLarge() {
        return Stream.of(
                arguments("12 exa in units", "12E", false),
                arguments("huge exponent in units (no giant integer is built)", "1e2147483647", false),
                arguments("huge exponent in millis", "1e2147483647", true),
                arguments("capped binary in millis", "9Ei", true),
                arguments("int64 max cores in millis", "9223372036854775807", true));
    }

    @org.junit.jupiter.api.Test
    void invalidMessageNamesTheText() {
        var e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse("abc"));
        assertEquals("quantity 'abc' is not a valid Kubernetes quantity", e.getMessage());
    }
}
