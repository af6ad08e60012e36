package dev.berth.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.model.IpFamily;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The exposition, compared with kube-proxy's iptables-mode metric names, types, labels and buckets. */
class ProxyMetricsTest {
    private final int[] pending = {0, 0};
    private final ProxyMetrics metrics = new ProxyMetrics(IpFamily.IPV4, () -> pending[0], () -> pending[1]);

    /** Drives every family once, so every one has a series. */
    private String scrapeAfterOneOfEverything() {
        metrics.recordSyncDuration(false, 3_000_000);
        metrics.recordSyncDuration(true, 1_000_000);
        metrics.recordSynced(7, 40, 12, 1, 2, Instant.parse("2024-05-01T10:00:00Z"));
        metrics.recordQueued(Instant.parse("2024-05-01T09:59:59.5Z"));
        metrics.recordNetworkProgramming(Duration.ofMillis(1200));
        metrics.recordServiceChange();
        metrics.recordEndpointChange();
        metrics.recordEndpointChange();
        metrics.recordSyncFailure(true, true);
        metrics.recordHealthz(200);
        metrics.recordLivez(503);
        metrics.recordConntrackReconcile(2_000_000, 3);
        return metrics.scrape();
    }

    @Test
    void familiesAreKubeProxysIptablesModeOnesWithTheirTypes() {
        var types = new TreeMap<String, String>();
        for (var line : scrapeAfterOneOfEverything().lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                var parts = line.split(" ");
                types.put(parts[2], parts[3]);
            }
        }
        assertEquals(new TreeMap<>(Map.ofEntries(
                Map.entry("kubeproxy_conntrack_reconciler_deleted_entries_total", "counter"),
                Map.entry("kubeproxy_conntrack_reconciler_sync_duration_seconds", "histogram"),
                Map.entry("kubeproxy_network_programming_duration_seconds", "histogram"),
                Map.entry("kubeproxy_proxy_healthz_total", "counter"),
                Map.entry("kubeproxy_proxy_livez_total", "counter"),
                Map.entry("kubeproxy_sync_full_proxy_rules_duration_seconds", "histogram"),
                Map.entry("kubeproxy_sync_partial_proxy_rules_duration_seconds", "histogram"),
                Map.entry("kubeproxy_sync_proxy_rules_duration_seconds", "histogram"),
                Map.entry("kubeproxy_sync_proxy_rules_endpoint_changes_pending", "gauge"),
                Map.entry("kubeproxy_sync_proxy_rules_endpoint_changes_total", "counter"),
                Map.entry("kubeproxy_sync_proxy_rules_iptables_last", "gauge"),
                Map.entry("kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total", "counter"),
                Map.entry("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "counter"),
                Map.entry("kubeproxy_sync_proxy_rules_iptables_total", "gauge"),
                Map.entry("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", "gauge"),
                Map.entry("kubeproxy_sync_proxy_rules_last_timestamp_seconds", "gauge"),
                Map.entry("kubeproxy_sync_proxy_rules_no_local_endpoints_total", "gauge"),
                Map.entry("kubeproxy_sync_proxy_rules_service_changes_pending", "gauge"),
                Map.entry("kubeproxy_sync_proxy_rules_service_changes_total", "counter"))), types);
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("help carries the stability prefix",
                        "# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds"),
                Arguments.of("every sync in the overall histogram",
                        "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 2"),
                Arguments.of("first sync bucket is 1ms",
                        "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.001\"} 1"),
                Arguments.of("last sync bucket is 16.384s",
                        "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"16.384\"} 2"),
                Arguments.of("the full sync in the full histogram",
                        "kubeproxy_sync_full_proxy_rules_duration_seconds_sum{ip_family=\"IPv4\"} 0.003"),
                Arguments.of("the partial sync in the partial histogram",
                        "kubeproxy_sync_partial_proxy_rules_duration_seconds_sum{ip_family=\"IPv4\"} 0.001"),
                Arguments.of("filter rules total", "kubeproxy_sync_proxy_rules_iptables_total{ip_family=\"IPv4\",table=\"filter\"} 7"),
                Arguments.of("nat rules total, skipped chains included",
                        "kubeproxy_sync_proxy_rules_iptables_total{ip_family=\"IPv4\",table=\"nat\"} 40"),
                Arguments.of("nat rules written in the last sync",
                        "kubeproxy_sync_proxy_rules_iptables_last{ip_family=\"IPv4\",table=\"nat\"} 12"),
                Arguments.of("no local endpoints, internal",
                        "kubeproxy_sync_proxy_rules_no_local_endpoints_total{ip_family=\"IPv4\",traffic_policy=\"internal\"} 1"),
                Arguments.of("no local endpoints, external",
                        "kubeproxy_sync_proxy_rules_no_local_endpoints_total{ip_family=\"IPv4\",traffic_policy=\"external\"} 2"),
                Arguments.of("last sync time in seconds",
                        "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"} 1.7145576e+09"),
                Arguments.of("last queued time in seconds",
                        "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family=\"IPv4\"} 1.7145575995e+09"),
                Arguments.of("network programming lands in the 2s bucket, not 1s",
                        "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"2\"} 1"),
                Arguments.of("network programming buckets start at 0",
                        "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0\"} 0"),
                Arguments.of("network programming buckets end at 5 minutes",
                        "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"300\"} 1"),
                Arguments.of("endpoint changes", "kubeproxy_sync_proxy_rules_endpoint_changes_total 2"),
                Arguments.of("service changes", "kubeproxy_sync_proxy_rules_service_changes_total 1"),
                Arguments.of("restore failures", "kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv4\"} 1"),
                Arguments.of("partial restore failures",
                        "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total{ip_family=\"IPv4\"} 1"),
                Arguments.of("healthz answers by code", "kubeproxy_proxy_healthz_total{code=\"200\"} 1"),
                Arguments.of("livez answers by code", "kubeproxy_proxy_livez_total{code=\"503\"} 1"),
                Arguments.of("conntrack flows deleted", "kubeproxy_conntrack_reconciler_deleted_entries_total{ip_family=\"IPv4\"} 3"),
                Arguments.of("pending changes read at scrape", "kubeproxy_sync_proxy_rules_endpoint_changes_pending 4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void samplesReadAsKubeProxysDo(String name, String line) {
        pending[1] = 4;
        var scrape = scrapeAfterOneOfEverything();
        assertTrue(scrape.lines().anyMatch(line::equals), line + " not in\n" + scrape);
    }

    @Test
    void networkProgrammingHasKubeProxysEightyOneBounds() {
        var bounds = ProxyMetrics.networkProgrammingBuckets();
        assertEquals(81, bounds.length);
        assertEquals(List.of(0.0, 0.25, 0.5, 1.0, 2.0), java.util.Arrays.stream(bounds).limit(5).boxed().toList());
        assertEquals(List.of(59.0, 60.0, 65.0), java.util.Arrays.stream(bounds).skip(61).limit(3).boxed().toList());
        assertEquals(List.of(115.0, 120.0, 150.0), java.util.Arrays.stream(bounds).skip(73).limit(3).boxed().toList());
    }

    @Test
    void beforeAnySyncOnlyUnlabelledFamiliesAreWritten() {
        var scrape = metrics.scrape();
        assertTrue(scrape.contains("kubeproxy_sync_proxy_rules_service_changes_total 0\n"), scrape);
        assertTrue(scrape.contains("kubeproxy_sync_proxy_rules_endpoint_changes_pending 0\n"), scrape);
        assertTrue(!scrape.contains("ip_family"), scrape);
    }
}
