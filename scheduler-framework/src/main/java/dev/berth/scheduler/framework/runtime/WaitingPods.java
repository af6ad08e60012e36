package dev.berth.scheduler.framework.runtime;

import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The pods held at Permit, each until every waiting plugin allows it, one rejects it, or a timeout. */
public final class WaitingPods implements AutoCloseable {
    /** kube-scheduler caps a Permit wait at 15 minutes. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);

    private final Map<String, Waiting> pods = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-permit-timer");
        t.setDaemon(true);
        return t;
    });

    /** Holds a pod for the given plugins and their timeouts. */
    void add(Pod pod, String nodeName, Map<String, Duration> timeouts) {
        Waiting w = new Waiting(pod, nodeName, timeouts.keySet());
        pods.put(pod.uid(), w);
        timeouts.forEach((plugin, timeout) -> {
            Duration d = timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout;
            w.timers.add(timers.schedule(() -> w.reject(plugin, "rejected due to timeout after waiting "
                    + d.toMillis() / 1000.0 + "s at plugin " + plugin), d.toMillis(), TimeUnit.MILLISECONDS));
        });
    }

    /** Blocks until the pod's wait ends; Success when allowed (or not waiting at all). */
    Status await(String uid) {
        Waiting w = pods.get(uid);
        if (w == null) {
            return Status.SUCCESS;
        }
        try {
            return w.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.error(e);
        } catch (java.util.concurrent.ExecutionException e) {
            return Status.error(e.getCause());
        } finally {
            pods.remove(uid);
            w.timers.forEach(t -> t.cancel(false));
        }
    }

    public Optional<Handle.WaitingPod> get(String uid) {
        return Optional.ofNullable(pods.get(uid));
    }

    public void forEach(Consumer<Handle.WaitingPod> action) {
        pods.values().forEach(action);
    }

    /** Rejects a waiting pod (for example because it was deleted). */
    public void reject(String uid, String plugin, String message) {
        Waiting w = pods.get(uid);
        if (w != null) {
            w.reject(plugin, message);
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }

    private static final class Waiting implements Handle.WaitingPod {
        private final Pod pod;
        private final String nodeName;
        private final Set<String> pending;
        private final CompletableFuture<Status> result = new CompletableFuture<>();
        private final Set<ScheduledFuture<?>> timers = ConcurrentHashMap.newKeySet();

        Waiting(Pod pod, String nodeName, Set<String> plugins) {
            this.pod = pod;
            this.nodeName = nodeName;
            this.pending = new HashSet<>(plugins);
        }

        @Override
        public Pod pod() {
            return pod;
        }

        @Override
        public String nodeName() {
            return nodeName;
        }

        @Override
        public synchronized Set<String> pendingPlugins() {
            return Set.copyOf(pending);
        }

        @Override
        public void allow(String plugin) {
            boolean all;
            synchronized (this) {
                pending.remove(plugin);
                all = pending.isEmpty();
            }
            if (all) {
                result.complete(Status.SUCCESS);
            }
        }

        @Override
        public void reject(String plugin, String message) {
            result.complete(new Status(Code.UNSCHEDULABLE, java.util.List.of(message), plugin, null));
        }
    }
}
