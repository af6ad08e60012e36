package dev.berth.scheduler.config;

import java.util.List;

/**
 * An invalid {@code KubeSchedulerConfiguration}. Carries every problem found, each as
 * {@code field.path: reason} (e.g. {@code profiles[1].schedulerName: duplicate "x"}), as kube-scheduler
 * aggregates its validation errors instead of stopping at the first.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> errors;

    public ConfigException(List<String> errors) {
        this(null, errors);
    }

    /** @param source the file the configuration came from, or null */
    public ConfigException(String source, List<String> errors) {
        super(message(source, errors));
        this.errors = List.copyOf(errors);
    }

    /** Each problem as {@code path: reason}, in the order found. */
    public List<String> errors() {
        return errors;
    }

    private static String message(String source, List<String> errors) {
        String prefix = source == null ? "" : source + ": ";
        if (errors.size() == 1) {
            return prefix + errors.getFirst();
        }
        return prefix + errors.size() + " errors in the scheduler configuration:\n  " + String.join("\n  ", errors);
    }
}
