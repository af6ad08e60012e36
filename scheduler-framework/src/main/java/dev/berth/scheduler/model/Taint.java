package dev.berth.scheduler.model;

/** A node taint: {@code key=value:effect}. An absent value is the empty string. */
public record Taint(String key, String value, TaintEffect effect) {
    public Taint {
        value = value == null ? "" : value;
    }

    @Override
    public String toString() {
        return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect.wire();
    }
}
