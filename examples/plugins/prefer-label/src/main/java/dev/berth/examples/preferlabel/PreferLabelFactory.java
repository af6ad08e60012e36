package dev.berth.examples.preferlabel;

import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;

/** Registered in {@code META-INF/services/dev.berth.scheduler.framework.PluginFactory}; ServiceLoader needs the public no-arg constructor. */
public final class PreferLabelFactory implements PluginFactory<PreferLabelArgs> {
    public PreferLabelFactory() {}

    @Override
    public String name() {
        return PreferLabel.NAME;
    }

    @Override
    public Class<PreferLabelArgs> argsType() {
        return PreferLabelArgs.class;
    }

    @Override
    public Plugin create(PreferLabelArgs args, Handle handle) {
        return PreferLabel.create(args);
    }
}
