package dev.berth.scheduler.framework.runtime.jarplugins;

import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;

/** Packed into a jar by PluginRegistryTest: claims an in-tree plugin's name. */
public final class ClashingFactory implements PluginFactory<Void> {
    @Override
    public String name() {
        return "NodeName";
    }

    @Override
    public Plugin create(Void args, Handle handle) {
        throw new UnsupportedOperationException();
    }
}
