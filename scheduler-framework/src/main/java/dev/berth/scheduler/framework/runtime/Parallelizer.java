package dev.berth.scheduler.framework.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Runs a piece of work for indices {@code 0..n-1} across worker threads, in chunks, the way
 * kube-scheduler's parallelizer does for Filter and Score.
 *
 * <p>{@code parallelism} bounds the workers. Like goroutines on GOMAXPROCS threads, the workers that
 * actually run at once are capped at the machine's cores: more platform threads than cores only adds
 * hand-off cost to this CPU-bound work. The calling thread takes part, so a single chunk never leaves it.
 */
public final class Parallelizer implements AutoCloseable {
    private final int parallelism;
    private final int workers;
    private final ExecutorService pool;

    public Parallelizer(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be positive, got " + parallelism);
        }
        this.parallelism = parallelism;
        this.workers = Math.min(parallelism, Runtime.getRuntime().availableProcessors());
        this.pool = workers > 1 ? Executors.newFixedThreadPool(workers - 1, r -> {
            Thread t = new Thread(r, "berth-parallelizer");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    public int parallelism() {
        return parallelism;
    }

    /** kube-scheduler's chunk size: about sqrt(n), but no more than n/parallelism + 1. */
    static int chunkSize(int n, int parallelism) {
        int s = (int) Math.sqrt(n);
        int r = n / parallelism + 1;
        return Math.max(1, Math.min(s, r));
    }

    /** Calls {@code work} for every index, in parallel, until all are done or {@code stop} says so. */
    public void until(int n, IntConsumer work, BooleanSupplier stop) {
        if (n <= 0) {
            return;
        }
        int chunk = chunkSize(n, parallelism);
        int chunks = (n + chunk - 1) / chunk;
        int helpers = pool == null ? 0 : Math.min(workers, chunks) - 1;
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            int c;
            while ((c = next.getAndIncrement()) < chunks && !stop.getAsBoolean()) {
                int end = Math.min(n, (c + 1) * chunk);
                for (int i = c * chunk; i < end; i++) {
                    work.accept(i);
                }
            }
        };
        if (helpers <= 0) {
            loop.run();
            return;
        }
        CountDownLatch done = new CountDownLatch(helpers);
        RuntimeException[] failure = new RuntimeException[1];
        for (int h = 0; h < helpers; h++) {
            pool.execute(() -> {
                try {
                    loop.run();
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        loop.run();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for parallel work", e);
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw failure[0];
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
