package dev.berth.kube.http;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonically increasing count per label combination ({@code # TYPE counter}). Resolve a
 * {@link Child} once with {@link #labels} and keep it when the label values are known up front; an
 * increment is then a single {@link LongAdder} add.
 */
public final class Counter extends Labelled<Counter.Child> {
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

    Counter(String name, String help, List<String> labelNames) {
        super(name, help, labelNames, Child::new);
    }

    @Override
    public void writeTo(StringBuilder out) {
        writeValues(out, "counter", Child::value);
    }
}
