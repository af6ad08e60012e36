package dev.berth.scheduler.core;

import dev.berth.scheduler.model.Pod;

import java.time.Duration;

/** How one scheduling attempt of one pod ended. */
public sealed interface Outcome {
    Pod pod();

    /** The profile (schedulerName) that handled the pod. */
    String profile();

    /** From pop to the end of the attempt (binding included when it ran in line). */
    Duration duration();

    /** Bound to {@code node}; {@code evaluatedNodes} were filtered, {@code feasibleNodes} passed. */
    record Scheduled(Pod pod, String profile, String node, int evaluatedNodes, int feasibleNodes, Duration duration)
            implements Outcome {}

    /** No node fits: {@code error.getMessage()} is the FailedScheduling text. */
    record Unschedulable(Pod pod, String profile, FitError error, Duration duration) implements Outcome {}

    /** An internal failure (a plugin error, a failed bind): retried with backoff. */
    record Failed(Pod pod, String profile, String stage, String message, Duration duration) implements Outcome {}
}
