package dev.berth.scheduler.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Kubernetes resource quantities ("100m", "1.5Gi", "2e3", "500M") read as numbers, following the
 * API machinery's {@code resource.Quantity}.
 *
 * <p>A quantity is an optional sign, a decimal number ({@code 1}, {@code 1.5}, {@code 1.}, {@code .5}) and
 * one suffix: a binary one ({@code Ki Mi Gi Ti Pi Ei}), a decimal SI one ({@code n u m k M G T P E}) or a
 * decimal exponent ({@code e3}, {@code E-3}, {@code e+6}). A lone {@code E} is exa (10^18); {@code E}
 * followed by digits is an exponent. Upstream quirks kept on purpose: a missing number reads as zero
 * ({@code "."}, {@code "-"}, {@code "Ki"} all parse to 0), amounts finer than 10^-9 round up (away from
 * zero) to the next nano, and binary amounts above 2^63-1 are capped there. Leading and trailing white
 * space is ignored, as the API server's JSON decoding trims it.
 *
 * <p>{@link #value} and {@link #milliValue} round fractions away from zero ({@code value("1.1")} is 2,
 * {@code value("-1.1")} is -2, {@code milliValue("0.0001")} is 1) as {@code Quantity.Value()} does, and
 * throw instead of overflowing where upstream would silently wrap.
 */
public final class Quantity {
    private Quantity() {}

    private static final String SUFFIX_CHARS = "eEinumkKMGTP";
    private static final BigDecimal NANO = BigDecimal.ONE.scaleByPowerOfTen(-9);
    private static final BigDecimal MAX_INT64 = BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * The exact amount a quantity string denotes, after upstream's rounding to nano precision and its
     * cap of binary amounts. Compare results with {@code compareTo}: the scale is not normalised.
     *
     * @throws IllegalArgumentException if the text is not a valid quantity
     */
    public static BigDecimal parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("quantity is empty");
        }
        String s = text.strip();
        int end = s.length();
        int pos = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            pos++;
        }
        int wholeStart = pos;
        pos = skipDigits(s, pos);
        String whole = s.substring(wholeStart, pos);
        String fraction = "";
        if (pos < end && s.charAt(pos) == '.') {
            int fractionStart = ++pos;
            pos = skipDigits(s, pos);
            fraction = s.substring(fractionStart, pos);
        }
        // The suffix: letters from the suffix alphabet, then an optional sign and digits (an exponent).
        int suffixStart = pos;
        while (pos < end && SUFFIX_CHARS.indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
        if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
            pos++;
        }
        pos = skipDigits(s, pos);
        if (pos != end) {
            throw invalid(text);
        }
        String suffix = s.substring(suffixStart);

        BigDecimal mantissa = whole.isEmpty() && fraction.isEmpty()
                ? BigDecimal.ZERO
                : new BigDecimal((whole.isEmpty() ? "0" : whole) + (fraction.isEmpty() ? "" : "." + fraction));
        int binaryPower = binaryPower(suffix);
        BigDecimal amount;
        if (binaryPower >= 0) {
            amount = mantissa.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(binaryPower)));
        } else {
            long exponent = decimalExponent(suffix, text);
            amount = scaleByPowerOfTen(mantissa, exponent);
        }
        amount = roundUpToNano(amount);
        if (binaryPower >= 0 && amount.compareTo(MAX_INT64) > 0) {
            amount = MAX_INT64;
        }
        return negative ? amount.negate() : amount;
    }

    /** The quantity in whole units, rounded away from zero (memory in bytes, pods, extended resources). */
    public static long value(String text) {
        return toLong(parse(text), 0, text, "whole units");
    }

    /** The quantity in thousandths, rounded away from zero (cpu in millicores). */
    public static long milliValue(String text) {
        return toLong(parse(text), 3, text, "thousandths");
    }

    private static long toLong(BigDecimal amount, int shift, String text, String unit) {
        // Checked before scaling so an enormous exponent never inflates into a huge integer.
        if (amount.abs().compareTo(MAX_INT64.movePointLeft(shift)) > 0) {
            throw new IllegalArgumentException("quantity '" + text + "' is too large: its value in " + unit
                    + " does not fit in a signed 64-bit integer");
        }
        return amount.movePointRight(shift).setScale(0, RoundingMode.UP).longValueExact();
    }

    private static int skipDigits(String s, int pos) {
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        return pos;
    }

    /** The power of two of a binary suffix, or -1 when the suffix is not binary. */
    private static int binaryPower(String suffix) {
        return switch (suffix) {
            case "Ki" -> 10; case "Mi" -> 20; case "Gi" -> 30; case "Ti" -> 40; case "Pi" -> 50; case "Ei" -> 60;
            default -> -1;
        };
    }

    /** The power of ten of a decimal SI suffix or of an exponent suffix. */
    private static long decimalExponent(String suffix, String text) {
        switch (suffix) {
            case "": return 0;
            case "n": return -9;
            case "u": return -6;
            case "m": return -3;
            case "k": return 3;
            case "M": return 6;
            case "G": return 9;
            case "T": return 12;
            case "P": return 15;
            case "E": return 18;
            default:
                break;
        }
        if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            long exponent;
            try {
                exponent = Long.parseLong(suffix.substring(1));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            // Upstream keeps the exponent in an int32 that it later negates, so MinInt32 is out too.
            if (exponent > Integer.MAX_VALUE || exponent < -Integer.MAX_VALUE) {
                throw invalid(text);
            }
            return exponent;
        }
        throw invalid(text);
    }

    private static BigDecimal scaleByPowerOfTen(BigDecimal mantissa, long exponent) {
        if (mantissa.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long newScale = (long) mantissa.scale() - exponent;
        if (newScale > Integer.MAX_VALUE) {
            // Far below a nano: the rounding below would lift it to one nano anyway.
            return NANO;
        }
        return mantissa.scaleByPowerOfTen((int) exponent);
    }

    /** Rounds a non-negative amount up to a multiple of 10^-9, as upstream stores at most nano precision. */
    private static BigDecimal roundUpToNano(BigDecimal amount) {
        if (amount.scale() <= 9) {
            return amount;
        }
        if (amount.signum() != 0 && amount.compareTo(NANO) < 0) {
            return NANO;
        }
        return amount.setScale(9, RoundingMode.UP);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("quantity '" + text + "' is not a valid Kubernetes quantity");
    }
}
