package dev.berth.kube;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket, as client-go's: {@code qps} tokens a second, up to {@code burst} saved. Requests
 * beyond the budget wait; {@code qps <= 0} disables limiting.
 */
final class RateLimiter {
    private final double qps;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    RateLimiter(float qps, int burst) {
        this.qps = qps;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
    }

    /** Blocks until a token is available and takes it. */
    void acquire() throws InterruptedException {
        if (qps <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
            last = now;
            tokens -= 1;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / qps * 1e9);
        }
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
