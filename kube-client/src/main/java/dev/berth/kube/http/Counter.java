package dev.berth.kube.http;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonically increasing count per label combination ({@code # TYPE counter}). Resolve a
 * {@link Child} once with {@link #labels} and keep it when the label values are known up front; an
 * increment is then a single {@link LongAdder} add.
 */
public final class Counter extends Collector {
    /** The count of one label combination. */
    public static final class Child {
        private final LongAdder value = new LongAdder();

        public void inc() {
            value.increment();
        }

        /** Adds {@code n}, which must not be negative: a counter never goes down. */
        public void add(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("a counter cannot decrease, got " + n);
            }
            value.add(n);
        }

        public long value() {
            return value.sum();
        }
    }

    private final Series<Child> series;

    Counter(String name, String help, List<String> labelNames) {
        super(name, help);
        this.series = new Series<>(name, labelNames, Child::new);
    }

    /** The child for these label values, given in the order the label names were declared. */
    public Child labels(String... values) {
        return series.get(values);
    }

    public Child labels(String value) {
        return series.get(value);
    }

    public Child labels(String a, String b) {
        return series.get(a, b);
    }

    public Child labels(String a, String b, String c) {
        return series.get(a, b, c);
    }

    @Override
    public void writeTo(StringBuilder out) {
        var entries = series.entries();
        if (entries.isEmpty()) {
            return;
        }
        appendHeader(out, "counter");
        for (var e : entries) {
            TextFormat.appendSample(out, name(), e.labels(), TextFormat.formatDouble(e.child().value()));
        }
    }
}
