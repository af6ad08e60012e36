package dev.berth.scheduler.framework.runtime.jarplugins;

import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.model.Pod;

/** Packed into a jar by PluginRegistryTest; never loaded from the test class path. */
public final class JarFactory implements PluginFactory<Void> {
    @Override
    public String name() {
        return "JarPlugin";
    }

    @Override
    public Plugin create(Void args, Handle handle) {
        return new JarPlugin();
    }

    /** Scores every node 7. */
    public static final class JarPlugin implements Plugin.Score {
        @Override
        public String name() {
            return "JarPlugin";
        }

        @Override
        public long score(CycleState state, Pod pod, NodeInfo node) {
            return 7;
        }
    }
}
