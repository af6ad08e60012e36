package dev.berth.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Steps the runner against a fake clock: which calls run the function, and when the next run falls due. */
class BoundedFrequencyRunnerTest {
    private static final long SECOND = 1_000_000_000L;

    private long now = 1_000 * SECOND;
    private int runs;
    private final BoundedFrequencyRunner runner = new BoundedFrequencyRunner("test", () -> runs++,
            Duration.ofSeconds(1), Duration.ofSeconds(30), () -> now);

    @Test
    void firstCallRunsAndNextIsDueAfterTheMaxInterval() {
        assertEquals(30 * SECOND, runner.runIfDue());
        assertEquals(1, runs);
    }

    @Test
    void requestWithinMinIntervalWaitsForIt() {
        runner.runIfDue();
        now += SECOND / 4;
        runner.run();
        assertEquals(3 * SECOND / 4, runner.runIfDue());
        assertEquals(1, runs);
        now += 3 * SECOND / 4;
        runner.runIfDue();
        assertEquals(2, runs);
    }

    @Test
    void manyRequestsInOneIntervalCollapseIntoOneRun() {
        runner.runIfDue();
        for (int i = 0; i < 10; i++) {
            now += SECOND / 20;
            runner.run();
            runner.runIfDue();
        }
        assertEquals(1, runs);
        now += SECOND;
        runner.runIfDue();
        runner.runIfDue();
        assertEquals(2, runs);
    }

    @Test
    void requestAfterMinIntervalRunsAtOnce() {
        runner.runIfDue();
        now += 5 * SECOND;
        runner.run();
        assertEquals(30 * SECOND, runner.runIfDue());
        assertEquals(2, runs);
    }

    @Test
    void runsAtLeastOncePerMaxIntervalWithoutRequests() {
        runner.runIfDue();
        now += 29 * SECOND;
        assertEquals(SECOND, runner.runIfDue());
        assertEquals(1, runs);
        now += SECOND;
        runner.runIfDue();
        assertEquals(2, runs);
    }

    @Test
    void retryAfterRunsAtTheRetryTimeNotBefore() {
        runner.runIfDue();
        runner.retryAfter(Duration.ofSeconds(4));
        assertEquals(4 * SECOND, runner.runIfDue());
        now += 3 * SECOND;
        runner.runIfDue();
        assertEquals(1, runs);
        now += SECOND;
        runner.runIfDue();
        assertEquals(2, runs);
    }

    @Test
    void retryShorterThanMinIntervalStillWaitsForIt() {
        runner.runIfDue();
        runner.retryAfter(Duration.ofMillis(100));
        assertEquals(SECOND, runner.runIfDue());
        now += SECOND;
        runner.runIfDue();
        assertEquals(2, runs);
    }

    @Test
    void aRunClearsPendingRequestsAndRetries() {
        runner.runIfDue();
        now += 2 * SECOND;
        runner.run();
        runner.retryAfter(Duration.ofSeconds(10));
        runner.runIfDue();
        assertEquals(2, runs);
        now += 10 * SECOND;
        runner.runIfDue();
        assertEquals(2, runs, "the retry was satisfied by the run before it");
    }

    @Test
    void zeroMinIntervalRunsEveryRequest() {
        var r = new BoundedFrequencyRunner("zero", () -> runs++, Duration.ZERO, Duration.ofSeconds(30), () -> now);
        r.runIfDue();
        r.run();
        r.runIfDue();
        r.run();
        r.runIfDue();
        assertEquals(3, runs);
    }

    @Test
    void theMinIntervalCountsFromTheEndOfTheRunNotItsStart() {
        var slow = new BoundedFrequencyRunner("slow", () -> {
            runs++;
            now += 3 * SECOND;
        }, Duration.ofSeconds(1), Duration.ofSeconds(30), () -> now);
        slow.runIfDue();
        slow.run();
        assertEquals(SECOND, slow.runIfDue(), "a request during a 3s run still waits 1s after it ends");
        assertEquals(1, runs);
        now += SECOND;
        slow.runIfDue();
        assertEquals(2, runs);
    }

    @Test
    void theMaxIntervalAlsoCountsFromTheEndOfTheRun() {
        var slow = new BoundedFrequencyRunner("slow", () -> {
            runs++;
            now += 3 * SECOND;
        }, Duration.ofSeconds(1), Duration.ofSeconds(30), () -> now);
        assertEquals(30 * SECOND, slow.runIfDue());
    }

    @Test
    void rejectsMinAboveMax() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedFrequencyRunner("bad", () -> {},
                Duration.ofSeconds(31), Duration.ofSeconds(30), () -> now));
    }
}
