package dev.berth.scheduler.config;

import dev.berth.scheduler.framework.ExtensionPoint;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One resolved profile: the plugins enabled at each extension point, in order (multiPoint and the
 * default set already expanded, disabled ones removed), and the bound args of each plugin.
 *
 * @param percentageOfNodesToScore null to use the configuration-wide value
 * @param pluginArgs               plugin name to its bound args record (absent: the plugin's defaults)
 */
public record ProfileConfig(String schedulerName, Integer percentageOfNodesToScore,
                            Map<ExtensionPoint, List<PluginRef>> plugins, Map<String, Object> pluginArgs) {
    public ProfileConfig {
        var copy = new EnumMap<ExtensionPoint, List<PluginRef>>(ExtensionPoint.class);
        plugins.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        plugins = java.util.Collections.unmodifiableMap(copy);
        pluginArgs = Map.copyOf(pluginArgs);
    }

    public List<PluginRef> at(ExtensionPoint point) {
        return plugins.getOrDefault(point, List.of());
    }

    /** A plugin enabled at an extension point; {@code weight} matters for Score only. */
    public record PluginRef(String name, int weight) {}
}
