package dev.berth.kube.http;

import java.math.BigDecimal;

/**
 * The pieces of Prometheus' text exposition format 0.0.4 that every metric kind shares: escaping of
 * help texts and label values, and numbers written the way the Go client writes them (so a scrape of
 * Berth reads like a scrape of kube-scheduler: {@code 0.001}, {@code 1e-05}, {@code 1.2e+06}, {@code +Inf}).
 */
public final class TextFormat {
    /** The Content-Type of a scrape answer in this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private TextFormat() {}

    /** The {@code # HELP} and {@code # TYPE} lines that open a family. */
    static void appendHeader(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ');
        appendHelp(out, help);
        out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample line; {@code labels} is already rendered ({@code a="x",b="y"}) or empty. */
    static void appendSample(StringBuilder out, String name, String labels, String value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    /** A {@code # HELP} text: backslash and newline escaped (quotes stay as they are). */
    static void appendHelp(StringBuilder out, String help) {
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** A label value between double quotes: backslash, double quote and newline escaped. */
    static void appendLabelValue(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /**
     * A sample value or bucket bound as Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} prints it: the
     * shortest digits that read back to {@code v}, in plain notation for decimal exponents from -4 to 5
     * and in {@code d.ddde±XX} notation outside that.
     */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        // Double.toString gives the shortest round-tripping digits (JDK 19+); only the layout differs from Go.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        var out = new StringBuilder(digits.length() + 8);
        if (v < 0) {
            out.append('-');
        }
        if (exponent < -4 || exponent >= 6) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (exponent < 0) {
            out.append("0.");
            out.repeat('0', -exponent - 1);
            out.append(digits);
        } else if (digits.length() <= exponent + 1) {
            out.append(digits);
            out.repeat('0', exponent + 1 - digits.length());
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }
}
