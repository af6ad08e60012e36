package dev.berth.scheduler.framework;

import dev.berth.scheduler.model.Pod;

import java.time.Instant;
import java.util.Set;

/**
 * A pod as the scheduling queue holds it.
 *
 * @param timestamp            when it was (re)added to the queue
 * @param attempts             scheduling attempts so far
 * @param initialAttempt       when it was first popped, or null before that
 * @param unschedulablePlugins the plugins that rejected it in its last attempt
 */
public record QueuedPodInfo(PodInfo podInfo, Instant timestamp, int attempts, Instant initialAttempt,
                            Set<String> unschedulablePlugins) {
    public QueuedPodInfo {
        unschedulablePlugins = unschedulablePlugins == null ? Set.of() : Set.copyOf(unschedulablePlugins);
    }

    public static QueuedPodInfo of(Pod pod, Instant now) {
        return new QueuedPodInfo(PodInfo.of(pod), now, 0, null, Set.of());
    }

    public Pod pod() {
        return podInfo.pod();
    }
}
