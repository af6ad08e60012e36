package dev.berth.scheduler.framework;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data that plugins share within one scheduling cycle of one pod (typically what PreFilter or PreScore
 * computed once for Filter or Score to read per node). Safe for the parallel Filter and Score phases.
 */
public final class CycleState {
    /** A typed slot; plugins keep their keys as constants. */
    public record Key<T>(String name) {}

    private final ConcurrentHashMap<Key<?>, Object> data = new ConcurrentHashMap<>();
    private final Set<String> skipFilter = ConcurrentHashMap.newKeySet();
    private final Set<String> skipScore = ConcurrentHashMap.newKeySet();
    // Set before the parallel phases start; their hand-off to the workers publishes it.
    private boolean recordPluginMetrics;

    public <T> void write(Key<T> key, T value) {
        data.put(key, value);
    }

    /** The value written under {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public <T> T read(Key<T> key) {
        return (T) data.get(key);
    }

    /** The value written under {@code key}; an error naming the key if PreFilter/PreScore did not write it. */
    public <T> T require(Key<T> key) {
        T v = read(key);
        if (v == null) {
            throw new IllegalStateException("cycle state has no '" + key.name() + "' (its Pre* step did not run)");
        }
        return v;
    }

    /** Whether this cycle times each plugin call (a sample of cycles, to keep the cost low). */
    public boolean recordPluginMetrics() {
        return recordPluginMetrics;
    }

    public void recordPluginMetrics(boolean on) {
        recordPluginMetrics = on;
    }

    /** Plugins whose PreFilter returned Skip: their Filter is not called this cycle. */
    public Set<String> skipFilterPlugins() {
        return skipFilter;
    }

    /** Plugins whose PreScore returned Skip: their Score is not called this cycle. */
    public Set<String> skipScorePlugins() {
        return skipScore;
    }
}
