package dev.berth.proxy.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs a function on its own thread with at least {@code minInterval} between the end of one run and the start
 * of the next, and at most {@code maxInterval} between runs, as kube-proxy's bounded-frequency runner does with
 * {@code --min-sync-period} and its hourly full sync. {@link #run()} asks for a run as soon as the minimum interval
 * allows; many requests in one interval collapse into one run, and there are no bursts. {@link #retryAfter} asks
 * for a run after a delay (kube-proxy retries a failed sync after {@code --sync-period}).
 *
 * <p>The decision is made by {@link #runIfDue()} against an injected clock, so tests step it without threads.
 */
public final class BoundedFrequencyRunner {
    private static final long NEVER = Long.MAX_VALUE;

    private final String name;
    private final Runnable fn;
    private final long minNanos;
    private final long maxNanos;
    private final LongSupplier clock;

    private boolean ranOnce;
    private long lastRun;
    private boolean requested;
    private long retryAt = NEVER;
    private boolean stopped;
    private Thread thread;

    /**
     * @param clock monotonic nanoseconds ({@code System::nanoTime} in production)
     */
    public BoundedFrequencyRunner(String name, Runnable fn, Duration minInterval, Duration maxInterval, LongSupplier clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.fn = Objects.requireNonNull(fn, "fn");
        if (minInterval.isNegative() || maxInterval.compareTo(minInterval) < 0 || maxInterval.isZero()) {
            throw new IllegalArgumentException(name + ": need 0 <= minInterval (" + minInterval
                    + ") <= maxInterval (" + maxInterval + ") and maxInterval > 0");
        }
        this.minNanos = minInterval.toNanos();
        this.maxNanos = maxInterval.toNanos();
        this.clock = clock;
    }

    /** Asks for a run as soon as the minimum interval since the last one has passed. */
    public synchronized void run() {
        requested = true;
        notifyAll();
    }

    /** Asks for a run no sooner than {@code delay} from now (still bounded by the minimum interval). */
    public synchronized void retryAfter(Duration delay) {
        long at = clock.getAsLong() + delay.toNanos();
        retryAt = Math.min(retryAt, at);
        notifyAll();
    }

    /**
     * Runs the function if a run is due now, on the calling thread, and returns how many nanoseconds until the
     * next run falls due if nothing else is asked for. The first call always runs.
     */
    public long runIfDue() {
        boolean due;
        synchronized (this) {
            long now = clock.getAsLong();
            due = isDue(now);
            if (due) {
                ranOnce = true;
                lastRun = now;
                requested = false;
                retryAt = NEVER;
            }
        }
        if (due) {
            fn.run();
        }
        synchronized (this) {
            long end = clock.getAsLong();
            if (due) {
                // The minimum interval counts from the end of a run, so a slow sync cannot run back to back.
                lastRun = end;
            }
            return Math.max(0, nextDue() - end);
        }
    }

    private boolean isDue(long now) {
        if (!ranOnce) {
            return true;
        }
        long since = now - lastRun;
        if (since >= maxNanos) {
            return true;
        }
        boolean wanted = requested || (retryAt != NEVER && now - retryAt >= 0);
        return wanted && since >= minNanos;
    }

    /** When the next run is due, in clock nanoseconds. */
    private long nextDue() {
        if (!ranOnce) {
            return clock.getAsLong();
        }
        long next = lastRun + maxNanos;
        if (requested) {
            next = Math.min(next, lastRun + minNanos);
        }
        if (retryAt != NEVER) {
            next = Math.min(next, Math.max(retryAt, lastRun + minNanos));
        }
        return next;
    }

    /** Starts the loop on a platform thread; the function runs there, never concurrently with itself. */
    public synchronized BoundedFrequencyRunner start() {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
        return this;
    }

    private void loop() {
        while (true) {
            runIfDue();
            synchronized (this) {
                if (stopped) {
                    return;
                }
                // Recomputed under the lock: a request that came in since runIfDue() may make the next run sooner.
                long wait = nextDue() - clock.getAsLong();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
            }
        }
    }

    /** Stops the loop after the run in progress, if any. */
    public void stop() {
        Thread t;
        synchronized (this) {
            stopped = true;
            notifyAll();
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
