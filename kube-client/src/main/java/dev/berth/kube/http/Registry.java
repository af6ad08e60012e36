package dev.berth.kube.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A thread-safe set of metric families, written in the Prometheus text exposition format 0.0.4 in
 * name order. Families are declared once (a second declaration of a name is an error); their
 * children appear on first use.
 */
public final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final ConcurrentSkipListMap<String, Collector> families = new ConcurrentSkipListMap<>();

    /** Declares a counter family with these label names. */
    public Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(checkName(name), help, List.of(labelNames)));
    }

    /** Declares a histogram family with these bucket upper bounds (ascending, {@code +Inf} implied). */
    public Histogram histogram(String name, String help, double[] bounds, String... labelNames) {
        return register(new Histogram(checkName(name), help, bounds, List.of(labelNames)));
    }

    /** Declares a gauge family, set by its owner, with these label names. */
    public Gauge gauge(String name, String help, String... labelNames) {
        return register(new Gauge(checkName(name), help, List.of(labelNames)));
    }

    /** Declares an unlabelled gauge read from {@code value} at each scrape. */
    public GaugeFunction gauge(String name, String help, DoubleSupplier value) {
        return register(new GaugeFunction(checkName(name), help, null, List.of(),
                () -> Map.of("", value.getAsDouble())));
    }

    /** Declares a one-label gauge read from {@code values} at each scrape (see {@link GaugeFunction}). */
    public GaugeFunction gauge(String name, String help, String labelName, List<String> alwaysPresent,
                               Supplier<? extends Map<String, ? extends Number>> values) {
        return register(new GaugeFunction(checkName(name), help, labelName, alwaysPresent, values));
    }

    /** Every family in the text exposition format. */
    public String scrape() {
        var out = new StringBuilder(8192);
        writeTo(out);
        return out.toString();
    }

    /**
     * Appends every family. A family whose supplier fails is left out and logged, so one broken
     * figure does not hide all the others.
     */
    public void writeTo(StringBuilder out) {
        for (Collector family : families.values()) {
            int mark = out.length();
            try {
                family.writeTo(out);
            } catch (RuntimeException e) {
                out.setLength(mark);
                LOG.warn("metric family left out of scrape name={} error={}", family.name(), e.toString());
            }
        }
    }

    private <C extends Collector> C register(C family) {
        if (families.putIfAbsent(family.name(), family) != null) {
            throw new IllegalArgumentException("metric " + family.name() + " is already declared");
        }
        return family;
    }

    private static String checkName(String name) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + name + "'");
        }
        return name;
    }
}
