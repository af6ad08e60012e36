package dev.berth.scheduler.plugins.queuesort;

import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.QueuedPodInfo;

/** Orders the active queue by pod priority, higher first, then by time added to the queue, earlier first. */
public final class PrioritySort implements Plugin.QueueSort {
    public static final String NAME = "PrioritySort";

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, handle -> new PrioritySort());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean less(QueuedPodInfo a, QueuedPodInfo b) {
        int pa = a.pod().priority();
        int pb = b.pod().priority();
        return pa > pb || (pa == pb && a.timestamp().isBefore(b.timestamp()));
    }
}
