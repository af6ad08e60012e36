package dev.berth.scheduler.plugins.nodeaffinity;

import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

/** STUB: to be implemented with upstream semantics. */
public final class NodeAffinity implements Plugin.Filter {
    public static final String NAME = "NodeAffinity";

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, handle -> new NodeAffinity());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        return Status.SUCCESS;
    }
}
