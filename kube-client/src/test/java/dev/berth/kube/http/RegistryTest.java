package dev.berth.kube.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryTest {
    private final Registry registry = new Registry();

    @Test
    void countersWriteHelpTypeAndOneLinePerLabelCombinationSortedByValue() {
        var c = registry.counter("jobs_total", "Jobs done.", "result", "profile");
        c.labels("scheduled", "b").add(3);
        c.labels("error", "a").inc();
        c.labels("scheduled", "a").inc();

        // Labels print in name order (profile before result), series sorted by those values.
        assertEquals("""
                # HELP jobs_total Jobs done.
                # TYPE jobs_total counter
                jobs_total{profile="a",result="error"} 1
                jobs_total{profile="a",result="scheduled"} 1
                jobs_total{profile="b",result="scheduled"} 3
                """, registry.scrape());
    }

    @Test
    void histogramBucketsAreCumulativeAndEndInInf() {
        var h = registry.histogram("latency_seconds", "Latency.", new double[] {0.125, 0.5, 1}, "op");
        var get = h.labels("get");
        get.observe(0.0625);
        get.observe(0.125); // on a bound: counted in that bucket (le is inclusive)
        get.observe(0.25);
        get.observe(2);

        assertEquals("""
                # HELP latency_seconds Latency.
                # TYPE latency_seconds histogram
                latency_seconds_bucket{op="get",le="0.125"} 2
                latency_seconds_bucket{op="get",le="0.5"} 3
                latency_seconds_bucket{op="get",le="1"} 3
                latency_seconds_bucket{op="get",le="+Inf"} 4
                latency_seconds_sum{op="get"} 2.4375
                latency_seconds_count{op="get"} 4
                """, registry.scrape());
    }

    @Test
    void unlabelledHistogramHasOnlyTheLeLabel() {
        var h = registry.histogram("work_seconds", "Work.", new double[] {1, Double.POSITIVE_INFINITY});
        h.labels().observeNanos(500_000_000L);

        assertEquals("""
                # HELP work_seconds Work.
                # TYPE work_seconds histogram
                work_seconds_bucket{le="1"} 1
                work_seconds_bucket{le="+Inf"} 1
                work_seconds_sum 0.5
                work_seconds_count 1
                """, registry.scrape());
    }

    @Test
    void labelValuesAndHelpAreEscaped() {
        registry.counter("odd_total", "Back\\slash and\nnewline in \"help\".", "v").labels("a\"b\\c\nd").inc();

        assertEquals("""
                # HELP odd_total Back\\\\slash and\\nnewline in "help".
                # TYPE odd_total counter
                odd_total{v="a\\"b\\\\c\\nd"} 1
                """, registry.scrape());
    }

    @Test
    void familiesAreWrittenInNameOrderAndUntouchedVectorsAreLeftOut() {
        registry.counter("b_total", "B.").labels().inc();
        registry.counter("c_total", "Never used.", "x");
        registry.counter("a_total", "A.").labels().inc();

        assertEquals("""
                # HELP a_total A.
                # TYPE a_total counter
                a_total 1
                # HELP b_total B.
                # TYPE b_total counter
                b_total 1
                """, registry.scrape());
    }

    @Test
    void gaugeFunctionReadsItsSupplierAtScrapeTimeAndAlwaysShowsListedValues() {
        var size = new AtomicInteger();
        registry.gauge("depth", "Depth.", "queue", List.of("active", "backoff"), () -> Map.of("active", size.get(), "extra", 7));
        size.set(5);

        assertEquals("""
                # HELP depth Depth.
                # TYPE depth gauge
                depth{queue="active"} 5
                depth{queue="backoff"} 0
                depth{queue="extra"} 7
                """, registry.scrape());
    }

    @Test
    void aFailingSupplierLeavesOnlyItsFamilyOut() {
        registry.gauge("broken", "Broken.", "q", List.of("x"), () -> {
            throw new IllegalStateException("queue closed");
        });
        registry.counter("ok_total", "Fine.").labels().inc();

        assertEquals("""
                # HELP ok_total Fine.
                # TYPE ok_total counter
                ok_total 1
                """, registry.scrape());
    }

    @Test
    void theSameLabelValuesGiveTheSameChild() {
        var c = registry.counter("x_total", "X.", "a", "b", "c");
        assertSame(c.labels("1", "2", "3"), c.labels("1", "2", "3"));
        assertSame(c.labels("1", "2", "3"), c.labels(new String[] {"1", "2", "3"}));
        var h = registry.histogram("y_seconds", "Y.", new double[] {1}, "a", "b");
        assertSame(h.labels("p", "q"), h.labels(new String[] {"p", "q"}));
    }

    @Test
    void misuseIsRejectedWithTheMetricNamed() {
        var c = registry.counter("x_total", "X.", "a", "b");
        var wrongArity = assertThrows(IllegalArgumentException.class, () -> c.labels("only-one"));
        assertTrue(wrongArity.getMessage().contains("x_total"), wrongArity.getMessage());
        var nullLabel = assertThrows(NullPointerException.class, () -> c.labels("a", null));
        assertEquals("metric x_total: label 'b' is null", nullLabel.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.counter("x_total", "again"));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("bad-name", "X."));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("z_total", "X.", "__reserved"));
        assertThrows(IllegalArgumentException.class, () -> registry.histogram("h", "X.", new double[] {1}, "le"));
        assertThrows(IllegalArgumentException.class, () -> registry.histogram("h", "X.", new double[] {2, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.labels("a", "b").add(-1));
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        var c = registry.counter("n_total", "N.", "k");
        var h = registry.histogram("d_seconds", "D.", new double[] {1}, "k");
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 4; t++) {
            String key = "k" + (t % 2);
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.labels(key).inc();
                    h.labels(key).observe(0.5);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(20_000, c.labels("k0").value());
        assertEquals(20_000, c.labels("k1").value());
        assertEquals(20_000, h.labels("k0").count());
        assertEquals(10_000.0, h.labels("k1").sum());
    }

    @Test
    void exponentialBucketsMultiplyRepeatedly() {
        assertEquals(List.of(0.001, 0.002, 0.004), boxed(Histogram.exponentialBuckets(0.001, 2, 3)));
        assertEquals(List.of(1e-05, 1e-05 * 1.5, 1e-05 * 1.5 * 1.5), boxed(Histogram.exponentialBuckets(0.00001, 1.5, 3)));
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
