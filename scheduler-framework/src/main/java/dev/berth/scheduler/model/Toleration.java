package dev.berth.scheduler.model;

/**
 * A pod toleration. {@code effect == null} tolerates every effect; an empty key with operator
 * {@code Exists} tolerates every taint. {@code tolerationSeconds} is null when unset.
 */
public record Toleration(String key, Operator operator, String value, TaintEffect effect, Long tolerationSeconds) {
    /** Toleration operators; the API's default is Equal. */
    public enum Operator { EQUAL, EXISTS }

    public Toleration {
        key = key == null ? "" : key;
        value = value == null ? "" : value;
        operator = operator == null ? Operator.EQUAL : operator;
    }
}
