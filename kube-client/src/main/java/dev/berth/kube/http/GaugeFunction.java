package dev.berth.kube.http;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A gauge whose values are read from a supplier at scrape time ({@code # TYPE gauge}), for figures
 * another component already keeps, such as queue lengths. With one label, the supplier maps label
 * values to numbers, and the label values listed as always present are written even when the supplier
 * leaves them out (as 0), so a dashboard sees every queue from the first scrape. Without a label the
 * family is one sample, the supplier's value for the key {@code ""}.
 */
public final class GaugeFunction extends Collector {
    private final String labelName;
    private final List<String> alwaysPresent;
    private volatile Supplier<? extends Map<String, ? extends Number>> values;

    /** @param labelName the one label's name, or null for a family of one unlabelled sample */
    GaugeFunction(String name, String help, String labelName, List<String> alwaysPresent,
                  Supplier<? extends Map<String, ? extends Number>> values) {
        super(name, help);
        if (labelName != null) {
            Series.checkLabelNames(name, List.of(labelName));
        }
        this.labelName = labelName;
        this.alwaysPresent = List.copyOf(alwaysPresent);
        this.values = values;
    }

    /** Replaces the supplier; null writes only the always-present values, as 0. */
    public void setSupplier(Supplier<? extends Map<String, ? extends Number>> values) {
        this.values = values;
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
        appendHeader(out, "gauge");
        if (labelName == null) {
            TextFormat.appendSample(out, name(), "", TextFormat.formatDouble(sorted.getOrDefault("", 0.0)));
            return;
        }
        var labels = new StringBuilder();
        for (var e : sorted.entrySet()) {
            labels.setLength(0);
            labels.append(labelName).append("=\"");
            TextFormat.appendLabelValue(labels, e.getKey());
            labels.append('"');
            TextFormat.appendSample(out, name(), labels.toString(), TextFormat.formatDouble(e.getValue()));
        }
    }
}
