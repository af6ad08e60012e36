package dev.berth.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the benchmark namespace's pods and records, per pod, the moment (monotonic nanos) the harness
 * first saw it with a {@code spec.nodeName}. Times are when the watch event arrived, so both schedulers
 * are measured through the same path.
 */
final class BindWatcher implements AutoCloseable {
    private final Api api;
    private final int expected;
    private final Map<String, Long> boundAt = new ConcurrentHashMap<>();
    private final AtomicLong lastBind = new AtomicLong();
    private final CountDownLatch opened = new CountDownLatch(1);
    private final CountDownLatch all = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Exception failure;
    private Thread thread;

    BindWatcher(Api api, int expected) {
        this.api = api;
        this.expected = expected;
    }

    /** Lists, then watches from the list's resourceVersion; returns once the watch is open. */
    void start() throws InterruptedException, IOException {
        thread = Thread.ofVirtual().name("bind-watcher").start(this::run);
        if (!opened.await(60, TimeUnit.SECONDS)) {
            throw new IOException("the pod watch did not open within 60 s" + (failure == null ? "" : ": " + failure.getMessage()));
        }
    }

    private void run() {
        String base = "/api/v1/namespaces/" + ClusterObjects.NAMESPACE + "/pods";
        while (!closed) {
            try {
                // A (re)list catches binds made while no watch was open; they get the time of the list.
                JsonNode list = api.get(base);
                list.path("items").forEach(this::observe);
                String rv = list.path("metadata").path("resourceVersion").asText();
                api.watch(base + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=1800&resourceVersion=" + rv,
                        opened::countDown, event -> {
                            if (closed) {
                                throw new Api.StopWatch();
                            }
                            if (!event.path("type").asText().equals("BOOKMARK")) {
                                observe(event.path("object"));
                            }
                        });
            } catch (IOException | RuntimeException e) {
                failure = e;
                if (!closed) {
                    System.err.println("side-by-side: pod watch ended (" + e.getMessage() + "); relisting");
                    sleep();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void observe(JsonNode pod) {
        if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (boundAt.putIfAbsent(pod.path("metadata").path("name").asText(), now) == null) {
            lastBind.accumulateAndGet(now, Math::max);
            if (boundAt.size() >= expected) {
                all.countDown();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every expected pod is bound, {@code timeout} passes, or no new bind arrives for
     * {@code stall} after the first one. Returns whether all were bound.
     */
    boolean awaitAll(Duration timeout, Duration stall) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (all.await(1, TimeUnit.SECONDS)) {
                return true;
            }
            long last = lastBind.get();
            if (last != 0 && System.nanoTime() - last > stall.toNanos()) {
                return false;
            }
        }
        return false;
    }

    /** Bind times seen so far, by pod name. */
    Map<String, Long> bindTimes() {
        return Map.copyOf(boundAt);
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
