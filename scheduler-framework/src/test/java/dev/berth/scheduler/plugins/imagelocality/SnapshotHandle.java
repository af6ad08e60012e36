package dev.berth.scheduler.plugins.imagelocality;

import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.Snapshot;

import java.util.Optional;
import java.util.function.Consumer;

/** A test Handle that only serves a fixed snapshot; nothing binds and no pod waits. */
record SnapshotHandle(Snapshot snapshot) implements Handle {
    @Override
    public PodBinder binder() {
        return (pod, node) -> {
            throw new UnsupportedOperationException("tests do not bind");
        };
    }

    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public Optional<WaitingPod> waitingPod(String uid) {
        return Optional.empty();
    }

    @Override
    public void forEachWaitingPod(Consumer<WaitingPod> action) {
    }
}
