package dev.berth.kube.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GaugeTest {
    private final Registry registry = new Registry();

    @Test
    void anUnlabelledGaugeIsWrittenFromTheStart() {
        registry.gauge("g_now", "A value.");
        assertEquals("# HELP g_now A value.\n# TYPE g_now gauge\ng_now 0\n", registry.scrape());
    }

    @Test
    void labelledChildrenAppearOnFirstUseSortedByLabel() {
        var g = registry.gauge("rules", "Rules.", "table");
        g.labels("nat").set(12);
        g.labels("filter").set(3);
        g.labels("filter").add(-1);
        assertEquals("# HELP rules Rules.\n# TYPE rules gauge\nrules{table=\"filter\"} 2\nrules{table=\"nat\"} 12\n",
                registry.scrape());
    }

    @Test
    void aSuppliedGaugeIsReadAtScrape() {
        var value = new double[] {4};
        registry.gauge("pending", "Pending.", () -> value[0]);
        value[0] = 7;
        assertEquals("# HELP pending Pending.\n# TYPE pending gauge\npending 7\n", registry.scrape());
    }

    @Test
    void linearBucketsStepByTheWidth() {
        assertEquals(java.util.List.of(60.0, 65.0, 70.0),
                java.util.Arrays.stream(Histogram.linearBuckets(60, 5, 3)).boxed().toList());
    }
}
