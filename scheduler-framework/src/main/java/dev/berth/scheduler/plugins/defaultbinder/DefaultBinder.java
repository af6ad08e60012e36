package dev.berth.scheduler.plugins.defaultbinder;

import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

/** Binds the pod through the handle's binder (the {@code pods/binding} subresource in a cluster). */
public final class DefaultBinder implements Plugin.Bind {
    public static final String NAME = "DefaultBinder";

    private final Handle handle;

    private DefaultBinder(Handle handle) {
        this.handle = handle;
    }

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, DefaultBinder::new);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status bind(CycleState state, Pod pod, String nodeName) {
        try {
            handle.binder().bind(pod, nodeName);
            return Status.SUCCESS;
        } catch (Exception e) {
            return Status.error(new IllegalStateException("binding " + pod.key() + " to " + nodeName + ": " + e.getMessage(), e));
        }
    }
}
