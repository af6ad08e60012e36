package dev.berth.scheduler.cluster.http;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A gauge with one label whose values are read from a supplier at scrape time ({@code # TYPE gauge}),
 * for figures another component already keeps, such as queue lengths. The label values listed as
 * always present are written even when the supplier leaves them out (as 0), so a dashboard sees every
 * queue from the first scrape.
 */
public final class GaugeFunction implements Collector {
    private final String name;
    private final String help;
    private final String labelName;
    private final List<String> alwaysPresent;
    private volatile Supplier<? extends Map<String, ? extends Number>> values;

    GaugeFunction(String name, String help, String labelName, List<String> alwaysPresent,
                  Supplier<? extends Map<String, ? extends Number>> values) {
        Series.checkLabelNames(name, List.of(labelName));
        this.name = name;
        this.help = help;
        this.labelName = labelName;
        this.alwaysPresent = List.copyOf(alwaysPresent);
        this.values = values;
    }

    /** Replaces the supplier; null writes only the always-present values, as 0. */
    public void setSupplier(Supplier<? extends Map<String, ? extends Number>> values) {
        this.values = values;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String help() {
        return help;
    }

    @Override
    public void writeTo(StringBuilder out) {
        var supplier = values;
        Map<String, ? extends Number> current = supplier == null ? Map.of() : supplier.get();
        var sorted = new TreeMap<String, Double>();
        alwaysPresent.forEach(v -> sorted.put(v, 0.0));
        if (current != null) {
            current.forEach((k, v) -> sorted.put(k, v == null ? 0.0 : v.doubleValue()));
        }
        if (sorted.isEmpty()) {
            return;
        }
        TextFormat.appendHeader(out, name, help, "gauge");
        var labels = new StringBuilder();
        for (var e : sorted.entrySet()) {
            labels.setLength(0);
            labels.append(labelName).append("=\"");
            TextFormat.appendLabelValue(labels, e.getKey());
            labels.append('"');
            TextFormat.appendSample(out, name, labels.toString(), TextFormat.formatDouble(e.getValue()));
        }
    }
}
