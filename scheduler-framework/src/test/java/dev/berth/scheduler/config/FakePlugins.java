package dev.berth.scheduler.config;

import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.runtime.PluginRegistry;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Test registries whose plugins implement exactly the extension points of their upstream namesakes, so the
 * config tests do not depend on how far the in-tree plugins are implemented.
 */
final class FakePlugins {
    private FakePlugins() {}

    /** A plugin object that implements the given interfaces and only answers {@code name()}. */
    static Plugin plugin(String name, List<Class<?>> interfaces) {
        var all = new ArrayList<Class<?>>(interfaces);
        all.add(Plugin.class);
        return (Plugin) Proxy.newProxyInstance(FakePlugins.class.getClassLoader(), all.toArray(Class<?>[]::new),
                (proxy, method, args) -> switch (method.getName()) {
                    case "name", "toString" -> name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static PluginFactory<Void> fake(String name, Class<?>... interfaces) {
        return PluginFactory.of(name, handle -> plugin(name, List.of(interfaces)));
    }

    /** Args of the "Tunable" test plugin; {@code strategy} mirrors NodeResourcesFit's nested shape. */
    record TunableArgs(String mode, Integer level, Strategy strategy) {}

    record Strategy(StrategyType type, List<Resource> resources) {}

    record Resource(String name, Integer weight) {}

    enum StrategyType { LEAST_ALLOCATED, MOST_ALLOCATED }

    /** A Filter+Score plugin with args; rejects a mode other than A or B as a factory would. */
    static PluginFactory<TunableArgs> tunable() {
        return PluginFactory.of("Tunable", TunableArgs.class, (args, handle) -> {
            if (args != null && args.mode() != null && !List.of("A", "B").contains(args.mode())) {
                throw new IllegalArgumentException("mode: must be A or B, got \"" + args.mode() + "\"");
            }
            return plugin("Tunable", List.of(Plugin.Filter.class, Plugin.Score.class));
        });
    }

    record NeedyArgs(String label) {}

    /** A Score plugin that cannot run without args, like the PreferLabel example. */
    static PluginFactory<NeedyArgs> needy() {
        return PluginFactory.of("Needy", NeedyArgs.class, (args, handle) -> {
            if (args == null || args.label() == null) {
                throw new IllegalArgumentException("label: required");
            }
            return plugin("Needy", List.of(Plugin.Score.class));
        });
    }

    record AffinityArgs(dev.berth.scheduler.model.NodeAffinity addedAffinity,
                        List<dev.berth.scheduler.model.Toleration> tolerations) {}

    /** A Filter plugin whose args hold model types, like NodeAffinity's addedAffinity. */
    static PluginFactory<AffinityArgs> affinity() {
        return PluginFactory.of("Affinity", AffinityArgs.class,
                (args, handle) -> plugin("Affinity", List.of(Plugin.Filter.class)));
    }

    /** The ten in-tree names with their upstream interfaces, plus a few test plugins. */
    static PluginRegistry registry() {
        return PluginRegistry.of(List.of(
                fake("PrioritySort", Plugin.QueueSort.class),
                fake("NodeUnschedulable", Plugin.Filter.class),
                fake("NodeName", Plugin.Filter.class),
                fake("TaintToleration", Plugin.Filter.class, Plugin.PreScore.class, Plugin.Score.class),
                fake("NodeAffinity", Plugin.PreFilter.class, Plugin.Filter.class, Plugin.PreScore.class, Plugin.Score.class),
                fake("NodePorts", Plugin.PreFilter.class, Plugin.Filter.class),
                fake("NodeResourcesFit", Plugin.PreFilter.class, Plugin.Filter.class, Plugin.PreScore.class, Plugin.Score.class),
                fake("NodeResourcesBalancedAllocation", Plugin.PreScore.class, Plugin.Score.class),
                fake("ImageLocality", Plugin.Score.class),
                fake("DefaultBinder", Plugin.Bind.class),
                fake("OtherSort", Plugin.QueueSort.class),
                fake("Custom", Plugin.Filter.class, Plugin.Score.class),
                fake("Gate", Plugin.Permit.class, Plugin.Reserve.class),
                fake("OtherBinder", Plugin.Bind.class, Plugin.PreBind.class),
                tunable(),
                needy(),
                affinity()));
    }
}
