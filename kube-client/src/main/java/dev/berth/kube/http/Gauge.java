package dev.berth.kube.http;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A value per label combination that goes up and down, set by the code that knows it ({@code # TYPE
 * gauge}): rule counts, timestamps. An unlabelled gauge is written from the start (as 0), as the Go
 * client writes a plain gauge; a labelled child appears on first use.
 */
public final class Gauge extends Labelled<Gauge.Child> {
    /** The value of one label combination. */
    public static final class Child {
        // The double's bits, so set and add need no lock.
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));

        public void set(double value) {
            bits.set(Double.doubleToRawLongBits(value));
        }

        public void add(double delta) {
            bits.getAndUpdate(b -> Double.doubleToRawLongBits(Double.longBitsToDouble(b) + delta));
        }

        public void inc() {
            add(1);
        }

        public void dec() {
            add(-1);
        }

        /** Sets the value to the current wall-clock time in seconds since the epoch, as Go's SetToCurrentTime. */
        public void setToCurrentTime() {
            set(System.currentTimeMillis() / 1e3);
        }

        public double value() {
            return Double.longBitsToDouble(bits.get());
        }
    }

    Gauge(String name, String help, List<String> labelNames) {
        super(name, help, labelNames, Child::new);
    }

    @Override
    public void writeTo(StringBuilder out) {
        writeValues(out, "gauge", Child::value);
    }
}
