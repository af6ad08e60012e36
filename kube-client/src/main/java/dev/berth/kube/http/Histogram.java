package dev.berth.kube.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A distribution of observations per label combination over fixed upper bounds ({@code # TYPE
 * histogram}): cumulative {@code _bucket{le="..."}} counts ending in {@code +Inf}, then {@code _sum}
 * and {@code _count}. An observation is a binary search and two adder updates.
 */
public final class Histogram extends Labelled<Histogram.Child> {
    /** The observations of one label combination. */
    public static final class Child {
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final DoubleAdder sum = new DoubleAdder();

        private Child(double[] bounds) {
            this.bounds = bounds;
            this.buckets = new LongAdder[bounds.length + 1];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        /** Records one value; a value equal to a bound falls in that bound's bucket ({@code le} is inclusive). */
        public void observe(double value) {
            int i = Arrays.binarySearch(bounds, value);
            // Not found gives -(insertion point) - 1; NaN lands past the last bound, in +Inf.
            buckets[i >= 0 ? i : -i - 1].increment();
            sum.add(value);
        }

        /** Records a duration given in nanoseconds, in seconds. */
        public void observeNanos(long nanos) {
            observe(nanos / 1e9);
        }

        /** Records a duration, in seconds. */
        public void observe(Duration d) {
            observe(d.toNanos() / 1e9);
        }

        /** The number of observations so far. */
        public long count() {
            long n = 0;
            for (LongAdder b : buckets) {
                n += b.sum();
            }
            return n;
        }

        public double sum() {
            return sum.sum();
        }
    }

    /**
     * {@code count} bounds starting at {@code start}, each {@code factor} times the one before, computed
     * by repeated multiplication as the Go client does so the bounds print identically.
     */
    public static double[] exponentialBuckets(double start, double factor, int count) {
        if (count < 1 || start <= 0 || factor <= 1) {
            throw new IllegalArgumentException("exponential buckets need count >= 1, start > 0 and factor > 1, got "
                    + count + ", " + start + ", " + factor);
        }
        double[] out = new double[count];
        double b = start;
        for (int i = 0; i < count; i++) {
            out[i] = b;
            b *= factor;
        }
        return out;
    }

    /** {@code count} bounds {@code start}, {@code start + width}, ..., as the Go client's LinearBuckets. */
    public static double[] linearBuckets(double start, double width, int count) {
        if (count < 1 || width <= 0) {
            throw new IllegalArgumentException("linear buckets need count >= 1 and width > 0, got " + count + ", " + width);
        }
        double[] out = new double[count];
        double b = start;
        for (int i = 0; i < count; i++) {
            out[i] = b;
            b += width;
        }
        return out;
    }

    /** The bound lists one after the other; they must already be in ascending order together. */
    public static double[] concat(double[]... lists) {
        int n = 0;
        for (double[] l : lists) {
            n += l.length;
        }
        double[] out = new double[n];
        int i = 0;
        for (double[] l : lists) {
            System.arraycopy(l, 0, out, i, l.length);
            i += l.length;
        }
        return out;
    }

    private final double[] bounds;
    private final String[] boundLabels;

    Histogram(String name, String help, double[] bounds, List<String> labelNames) {
        var upper = upperBounds(name, bounds);
        super(name, help, labelNames, () -> new Child(upper));
        this.bounds = upper;
        this.boundLabels = new String[upper.length + 1];
        for (int i = 0; i < upper.length; i++) {
            boundLabels[i] = TextFormat.formatDouble(upper[i]);
        }
        boundLabels[upper.length] = "+Inf";
    }

    /** The checked bucket bounds without an explicit {@code +Inf}, which is implied anyway and not written twice. */
    private static double[] upperBounds(String name, double[] bounds) {
        if (bounds.length == 0) {
            throw new IllegalArgumentException("histogram " + name + " needs at least one bucket bound");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (Double.isNaN(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException("histogram " + name + ": bucket bounds must increase strictly, got "
                        + Arrays.toString(bounds));
            }
        }
        return bounds[bounds.length - 1] == Double.POSITIVE_INFINITY
                ? Arrays.copyOf(bounds, bounds.length - 1) : bounds.clone();
    }

    /** The upper bounds, without the implied {@code +Inf}. */
    public double[] bounds() {
        return bounds.clone();
    }

    @Override
    public void writeTo(StringBuilder out) {
        var entries = entries();
        if (entries.isEmpty()) {
            return;
        }
        appendHeader(out, "histogram");
        String name = name();
        String bucket = name + "_bucket";
        for (var e : entries) {
            String labels = e.labels();
            String prefix = labels.isEmpty() ? "" : labels + ",";
            long cumulative = 0;
            // _count is the +Inf bucket, read once, so a scrape racing observations stays self-consistent.
            for (int i = 0; i < boundLabels.length; i++) {
                cumulative += e.child().buckets[i].sum();
                TextFormat.appendSample(out, bucket, prefix + "le=\"" + boundLabels[i] + "\"", Long.toString(cumulative));
            }
            TextFormat.appendSample(out, name + "_sum", labels, TextFormat.formatDouble(e.child().sum()));
            TextFormat.appendSample(out, name + "_count", labels, Long.toString(cumulative));
        }
    }
}
