package dev.berth.kube.http;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A metric family split by label values into children of type {@code C}, each made on first use. The lookup of a
 * child by its label values lives here once for counters, gauges and histograms.
 */
public abstract sealed class Labelled<C> extends Collector permits Counter, Gauge, Histogram {
    private final Series<C> series;

    Labelled(String name, String help, List<String> labelNames, Supplier<C> factory) {
        super(name, help);
        this.series = new Series<>(name, labelNames, factory);
    }

    /** The child for these label values, given in the order the label names were declared. */
    public C labels(String... values) {
        return series.get(values);
    }

    public C labels(String value) {
        return series.get(value);
    }

    public C labels(String a, String b) {
        return series.get(a, b);
    }

    public C labels(String a, String b, String c) {
        return series.get(a, b, c);
    }

    /** The children made so far, with their label text, in the order they are written. */
    final List<Series.Entry<C>> entries() {
        return series.entries();
    }

    /** Writes a family with one value per child: the header, then a sample per child; nothing when it has none. */
    final void writeValues(StringBuilder out, String type, ToDoubleFunction<C> value) {
        var entries = entries();
        if (entries.isEmpty()) {
            return;
        }
        appendHeader(out, type);
        for (var e : entries) {
            TextFormat.appendSample(out, name(), e.labels(), TextFormat.formatDouble(value.applyAsDouble(e.child())));
        }
    }
}
