package dev.berth.scheduler.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Kubernetes resource quantities ("100m", "1.5Gi", "2e3", "500M") read as numbers.
 *
 * <p>Like the API machinery, fractional results round up: {@code value("1.1")} is 2 and
 * {@code milliValue("0.0001")} is 1.
 */
public final class Quantity {
    private Quantity() {}

    /** The exact amount a quantity string denotes. */
    public static BigDecimal parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("quantity is empty");
        }
        String s = text.strip();
        int end = s.length();
        // Binary suffixes (Ki..Ei), decimal SI suffixes (n u m k M G T P E), or a decimal exponent (e3 / E3).
        BigDecimal multiplier = BigDecimal.ONE;
        if (end >= 2 && s.charAt(end - 1) == 'i') {
            int power = switch (s.charAt(end - 2)) {
                case 'K' -> 1; case 'M' -> 2; case 'G' -> 3; case 'T' -> 4; case 'P' -> 5; case 'E' -> 6;
                default -> throw invalid(text);
            };
            multiplier = BigDecimal.valueOf(1024).pow(power);
            end -= 2;
        } else {
            int exp = s.indexOf('e') >= 0 ? s.indexOf('e') : s.indexOf('E');
            if (exp > 0 && exp < end - 1 && isExponent(s.substring(exp + 1))) {
                multiplier = BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(s.substring(exp + 1)));
                end = exp;
            } else if (end >= 1 && !Character.isDigit(s.charAt(end - 1)) && s.charAt(end - 1) != '.') {
                int power = switch (s.charAt(end - 1)) {
                    case 'n' -> -9; case 'u' -> -6; case 'm' -> -3; case 'k' -> 3; case 'M' -> 6;
                    case 'G' -> 9; case 'T' -> 12; case 'P' -> 15; case 'E' -> 18;
                    default -> throw invalid(text);
                };
                multiplier = BigDecimal.ONE.scaleByPowerOfTen(power);
                end -= 1;
            }
        }
        String number = s.substring(0, end);
        if (number.isEmpty() || !number.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            throw invalid(text);
        }
        return new BigDecimal(number).multiply(multiplier);
    }

    /** The quantity in whole units, rounded up (memory in bytes, pods, extended resources). */
    public static long value(String text) {
        return parse(text).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The quantity in thousandths, rounded up (cpu in millicores). */
    public static long milliValue(String text) {
        return parse(text).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static boolean isExponent(String s) {
        return s.matches("[+-]?\\d+");
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("quantity '" + text + "' is not a valid Kubernetes quantity");
    }
}
