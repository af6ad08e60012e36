package dev.berth.kube.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The labelled children of one metric family. A child is found by its label values through one
 * {@link ConcurrentHashMap} per label, so a lookup of an existing child allocates nothing; a new
 * child is made once, under a lock, together with its rendered label text.
 *
 * @param <T> the child type (a counter cell, a histogram cell)
 */
final class Series<T> {
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** A child with its label values (in declaration order) and its label text (in name order). */
    record Entry<T>(List<String> values, String labels, T child) {}

    private final String metric;
    private final List<String> labelNames;
    private final int[] nameOrder;
    private final Supplier<T> factory;
    private final ConcurrentHashMap<String, Object> root = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, Entry<T>> all = new ConcurrentHashMap<>();
    private final T unlabelled;

    Series(String metric, List<String> labelNames, Supplier<T> factory) {
        checkLabelNames(metric, labelNames);
        this.metric = metric;
        this.labelNames = List.copyOf(labelNames);
        this.factory = factory;
        // The Go client prints label pairs sorted by name whatever order they were declared in.
        this.nameOrder = IntStream.range(0, labelNames.size()).boxed()
                .sorted(Comparator.comparing(labelNames::get)).mapToInt(Integer::intValue).toArray();
        if (labelNames.isEmpty()) {
            this.unlabelled = factory.get();
            all.put(List.of(), new Entry<>(List.of(), "", unlabelled));
        } else {
            this.unlabelled = null;
        }
    }

    /** Rejects names Prometheus does not accept, names it reserves ({@code __*}, {@code le}) and repeats. */
    static void checkLabelNames(String metric, List<String> labelNames) {
        for (String label : labelNames) {
            if (label == null || !LABEL_NAME.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
                throw new IllegalArgumentException("metric " + metric + ": invalid label name '" + label + "'");
            }
        }
        if (labelNames.stream().distinct().count() != labelNames.size()) {
            throw new IllegalArgumentException("metric " + metric + ": duplicate label names " + labelNames);
        }
    }

    @SuppressWarnings("unchecked")
    T get(String a) {
        arity(1);
        if (a != null) {
            Object child = root.get(a);
            if (child != null) {
                return (T) child;
            }
        }
        return create(a);
    }

    @SuppressWarnings("unchecked")
    T get(String a, String b) {
        arity(2);
        if (a != null && b != null && root.get(a) instanceof ConcurrentHashMap<?, ?> level) {
            Object child = level.get(b);
            if (child != null) {
                return (T) child;
            }
        }
        return create(a, b);
    }

    @SuppressWarnings("unchecked")
    T get(String a, String b, String c) {
        arity(3);
        if (a != null && b != null && c != null && root.get(a) instanceof ConcurrentHashMap<?, ?> l1
                && l1.get(b) instanceof ConcurrentHashMap<?, ?> l2) {
            Object child = l2.get(c);
            if (child != null) {
                return (T) child;
            }
        }
        return create(a, b, c);
    }

    /** The child for any number of label values, in declaration order. */
    @SuppressWarnings("unchecked")
    T get(String... values) {
        arity(values.length);
        if (values.length == 0) {
            return unlabelled;
        }
        Object node = root;
        for (String value : values) {
            if (value == null || !(node instanceof ConcurrentHashMap<?, ?> level) || (node = level.get(value)) == null) {
                return create(values);
            }
        }
        return (T) node;
    }

    /** Every child with its labels, sorted by label values in name order (the Go client's order). */
    List<Entry<T>> entries() {
        var out = new ArrayList<>(all.values());
        out.sort((x, y) -> {
            for (int i : nameOrder) {
                int c = x.values().get(i).compareTo(y.values().get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private synchronized T create(String... values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new NullPointerException("metric " + metric + ": label '" + labelNames.get(i) + "' is null");
            }
        }
        ConcurrentHashMap<String, Object> level = root;
        for (int i = 0; i < values.length - 1; i++) {
            level = (ConcurrentHashMap<String, Object>) level.computeIfAbsent(values[i], k -> new ConcurrentHashMap<>());
        }
        Object existing = level.get(values[values.length - 1]);
        if (existing != null) {
            return (T) existing;
        }
        T child = factory.get();
        List<String> key = List.of(values);
        all.put(key, new Entry<>(key, render(values), child));
        // Published last so a lock-free reader never finds a child that scrape cannot see.
        level.put(values[values.length - 1], child);
        return child;
    }

    private String render(String[] values) {
        var out = new StringBuilder();
        for (int i : nameOrder) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(labelNames.get(i)).append("=\"");
            TextFormat.appendLabelValue(out, values[i]);
            out.append('"');
        }
        return out.toString();
    }

    private void arity(int n) {
        if (n != labelNames.size()) {
            throw new IllegalArgumentException("metric " + metric + " has labels " + labelNames + ", got "
                    + n + " value(s)");
        }
    }

    @Override
    public String toString() {
        return metric + labelNames;
    }
}
