package dev.berth.scheduler.framework.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelizerTest {
    @ParameterizedTest(name = "n={0}, parallelism={1} -> chunk {2}")
    @CsvSource({"1, 16, 1", "100, 16, 7", "1000, 16, 31", "5000, 16, 70", "10, 1, 3", "0, 16, 1"})
    void chunkSizeIsSqrtCappedByShare(int n, int parallelism, int expected) {
        assertEquals(expected, Parallelizer.chunkSize(n, parallelism));
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        try (Parallelizer p = new Parallelizer(16)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(5000);
            p.until(5000, seen::incrementAndGet, () -> false);
            for (int i = 0; i < 5000; i++) {
                assertEquals(1, seen.get(i), "index " + i);
            }
        }
    }

    @Test
    void stopsTakingChunksOnceAskedTo() {
        try (Parallelizer p = new Parallelizer(1)) {
            AtomicInteger ran = new AtomicInteger();
            p.until(10_000, i -> ran.incrementAndGet(), () -> ran.get() >= 100);
            assertTrue(ran.get() < 10_000, "ran " + ran.get());
        }
    }

    @Test
    void aFailingTaskSurfaces() {
        try (Parallelizer p = new Parallelizer(4)) {
            assertThrows(IllegalStateException.class, () -> p.until(1000, i -> {
                if (i == 500) {
                    throw new IllegalStateException("boom");
                }
            }, () -> false));
        }
    }
}
