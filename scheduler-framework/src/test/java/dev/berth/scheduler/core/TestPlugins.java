package dev.berth.scheduler.core;

import dev.berth.scheduler.config.ProfileConfig;
import dev.berth.scheduler.config.ProfileConfig.PluginRef;
import dev.berth.scheduler.config.SchedulerConfiguration;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.plugins.InTreeRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Fixtures: a profile built by hand from plugin instances, without the config loader. */
final class TestPlugins {
    private TestPlugins() {}

    /** A registry over the in-tree plugins plus the given instances (by name). */
    static Function<String, Optional<PluginFactory<?>>> registry(Plugin... extra) {
        Map<String, PluginFactory<?>> m = new HashMap<>();
        InTreeRegistry.factories().forEach(f -> m.put(f.name(), f));
        for (Plugin p : extra) {
            m.put(p.name(), PluginFactory.of(p.name(), h -> p));
        }
        return name -> Optional.ofNullable(m.get(name));
    }

    /** One profile: PrioritySort, DefaultBinder, and the given plugins at the points they implement. */
    static SchedulerConfiguration config(String schedulerName, Plugin... plugins) {
        return config(schedulerName, 1, plugins);
    }

    static SchedulerConfiguration config(String schedulerName, int parallelism, Plugin... plugins) {
        Map<ExtensionPoint, List<PluginRef>> points = new EnumMap<>(ExtensionPoint.class);
        points.put(ExtensionPoint.QUEUE_SORT, List.of(new PluginRef("PrioritySort", 0)));
        points.put(ExtensionPoint.BIND, List.of(new PluginRef("DefaultBinder", 0)));
        for (ExtensionPoint point : ExtensionPoint.values()) {
            if (point == ExtensionPoint.QUEUE_SORT || point == ExtensionPoint.BIND) {
                continue;
            }
            List<PluginRef> refs = java.util.Arrays.stream(plugins).filter(p -> point.type().isInstance(p))
                    .map(p -> new PluginRef(p.name(), weightOf(p))).toList();
            if (!refs.isEmpty()) {
                points.put(point, refs);
            }
        }
        ProfileConfig profile = new ProfileConfig(schedulerName, null, points, Map.of());
        return new SchedulerConfiguration(parallelism, 0, Duration.ofSeconds(1), Duration.ofSeconds(10), List.of(profile),
                SchedulerConfiguration.ClientConnection.DEFAULT, SchedulerConfiguration.LeaderElection.DEFAULT);
    }

    private static int weightOf(Plugin p) {
        return p instanceof Weighted w ? w.weight() : 1;
    }

    /** A test plugin that wants a score weight other than 1. */
    interface Weighted {
        int weight();
    }
}
