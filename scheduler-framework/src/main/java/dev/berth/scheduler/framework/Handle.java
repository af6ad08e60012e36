package dev.berth.scheduler.framework;

import java.util.Optional;
import java.util.function.Consumer;

/** What the framework offers to plugins beside the per-call arguments. */
public interface Handle {
    /** The snapshot of the cycle in progress. */
    Snapshot snapshot();

    /** Binds a pod to a node: through the API server in a cluster, in memory in {@code simulate}. */
    PodBinder binder();

    /** How many threads Filter and Score run on. */
    int parallelism();

    /** A pod held at Permit, by uid. */
    Optional<WaitingPod> waitingPod(String uid);

    void forEachWaitingPod(Consumer<WaitingPod> action);

    /** Binds pods; implemented by the API-server client or the in-memory simulator. */
    @FunctionalInterface
    interface PodBinder {
        /** @throws Exception when the bind failed; the pod is then requeued */
        void bind(dev.berth.scheduler.model.Pod pod, String nodeName) throws Exception;
    }

    /** A pod waiting at Permit, which other plugins may allow or reject. */
    interface WaitingPod {
        dev.berth.scheduler.model.Pod pod();

        String nodeName();

        /** Permit plugins that still have to allow it. */
        java.util.Set<String> pendingPlugins();

        void allow(String plugin);

        void reject(String plugin, String message);
    }
}
