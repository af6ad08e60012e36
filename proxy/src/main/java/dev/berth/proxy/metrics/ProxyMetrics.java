package dev.berth.proxy.metrics;

import dev.berth.kube.http.Counter;
import dev.berth.kube.http.Gauge;
import dev.berth.kube.http.Histogram;
import dev.berth.kube.http.Registry;
import dev.berth.proxy.model.IpFamily;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * The metrics berth-proxy reports, under the names, types, labels, help texts and buckets kube-proxy's iptables
 * mode uses ({@code pkg/proxy/metrics/metrics.go}), so dashboards and alerts written for kube-proxy work
 * unchanged. Help texts carry the {@code [ALPHA]} prefix kube-proxy's metrics framework adds. Families labelled
 * {@code ip_family} get their series on first use.
 */
public final class ProxyMetrics {
    private final Registry registry = new Registry();
    private final String family;

    private final Histogram syncDuration;
    private final Histogram fullSyncDuration;
    private final Histogram partialSyncDuration;
    private final Gauge lastSync;
    private final Gauge lastQueued;
    private final Histogram networkProgramming;
    private final Counter endpointChanges;
    private final Counter serviceChanges;
    private final Counter restoreFailures;
    private final Counter partialRestoreFailures;
    private final Gauge rulesTotal;
    private final Gauge rulesLast;
    private final Gauge noLocalEndpoints;
    private final Counter healthz;
    private final Counter livez;
    private final Histogram conntrackDuration;
    private final Counter conntrackDeleted;

    public ProxyMetrics(IpFamily ipFamily) {
        this(ipFamily, () -> 0, () -> 0);
    }

    /**
     * @param pendingServiceChanges  Services with changes not synced yet, read at scrape
     * @param pendingEndpointChanges EndpointSlice changes not synced yet, read at scrape
     */
    public ProxyMetrics(IpFamily ipFamily, IntSupplier pendingServiceChanges, IntSupplier pendingEndpointChanges) {
        this.family = ipFamily == IpFamily.IPV6 ? "IPv6" : "IPv4";
        var syncBuckets = Histogram.exponentialBuckets(0.001, 2, 15);
        syncDuration = registry.histogram("kubeproxy_sync_proxy_rules_duration_seconds",
                "[ALPHA] SyncProxyRules latency in seconds", syncBuckets, "ip_family");
        fullSyncDuration = registry.histogram("kubeproxy_sync_full_proxy_rules_duration_seconds",
                "[ALPHA] SyncProxyRules latency in seconds for full resyncs", syncBuckets, "ip_family");
        partialSyncDuration = registry.histogram("kubeproxy_sync_partial_proxy_rules_duration_seconds",
                "[ALPHA] SyncProxyRules latency in seconds for partial resyncs", syncBuckets, "ip_family");
        lastSync = registry.gauge("kubeproxy_sync_proxy_rules_last_timestamp_seconds",
                "[ALPHA] The last time proxy rules were successfully synced", "ip_family");
        lastQueued = registry.gauge("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
                "[ALPHA] The last time a sync of proxy rules was queued", "ip_family");
        networkProgramming = registry.histogram("kubeproxy_network_programming_duration_seconds",
                "[ALPHA] In Cluster Network Programming Latency in seconds", networkProgrammingBuckets(), "ip_family");
        registry.gauge("kubeproxy_sync_proxy_rules_endpoint_changes_pending",
                "[ALPHA] Pending proxy rules Endpoint changes", pendingEndpointChanges::getAsInt);
        endpointChanges = registry.counter("kubeproxy_sync_proxy_rules_endpoint_changes_total",
                "[ALPHA] Cumulative proxy rules Endpoint changes");
        registry.gauge("kubeproxy_sync_proxy_rules_service_changes_pending",
                "[ALPHA] Pending proxy rules Service changes", pendingServiceChanges::getAsInt);
        serviceChanges = registry.counter("kubeproxy_sync_proxy_rules_service_changes_total",
                "[ALPHA] Cumulative proxy rules Service changes");
        restoreFailures = registry.counter("kubeproxy_sync_proxy_rules_iptables_restore_failures_total",
                "[ALPHA] Cumulative proxy iptables restore failures", "ip_family");
        partialRestoreFailures = registry.counter("kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total",
                "[ALPHA] Cumulative proxy iptables partial restore failures", "ip_family");
        rulesTotal = registry.gauge("kubeproxy_sync_proxy_rules_iptables_total",
                "[ALPHA] Total number of iptables rules owned by kube-proxy", "ip_family", "table");
        rulesLast = registry.gauge("kubeproxy_sync_proxy_rules_iptables_last",
                "[ALPHA] Number of iptables rules written by kube-proxy in last sync", "ip_family", "table");
        noLocalEndpoints = registry.gauge("kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                "[ALPHA] Number of services with a Local traffic policy and no endpoints", "ip_family", "traffic_policy");
        healthz = registry.counter("kubeproxy_proxy_healthz_total", "[ALPHA] Cumulative proxy healthz HTTP status", "code");
        livez = registry.counter("kubeproxy_proxy_livez_total", "[ALPHA] Cumulative proxy livez HTTP status", "code");
        conntrackDuration = registry.histogram("kubeproxy_conntrack_reconciler_sync_duration_seconds",
                "[ALPHA] ReconcileConntrackFlowsLatency latency in seconds", syncBuckets, "ip_family");
        conntrackDeleted = registry.counter("kubeproxy_conntrack_reconciler_deleted_entries_total",
                "[ALPHA] Cumulative conntrack flows deleted by conntrack reconciler", "ip_family");
    }

    /** 0, 0.25 s, 0.5 s, 1..59 s, 60..115 s by 5, 2..5 min by 30 s: kube-proxy's buckets (its merge starts at 0). */
    static double[] networkProgrammingBuckets() {
        return Histogram.concat(new double[] {0}, Histogram.linearBuckets(0.25, 0.25, 2),
                Histogram.linearBuckets(1, 1, 59), Histogram.linearBuckets(60, 5, 12),
                Histogram.linearBuckets(120, 30, 7));
    }

    public Registry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    /** One sync attempt ended, successful or not, after {@code nanos}; {@code partial} as it was tried. */
    public void recordSyncDuration(boolean partial, long nanos) {
        syncDuration.labels(family).observeNanos(nanos);
        (partial ? partialSyncDuration : fullSyncDuration).labels(family).observeNanos(nanos);
    }

    /** A successful sync wrote these rule counts ({@code total}: what the tables hold; {@code last}: what was written). */
    public void recordSynced(int filterRules, int natRulesTotal, int natRulesWritten, int noLocalInternal,
                             int noLocalExternal, Instant now) {
        rulesTotal.labels(family, "filter").set(filterRules);
        rulesLast.labels(family, "filter").set(filterRules);
        rulesTotal.labels(family, "nat").set(natRulesTotal);
        rulesLast.labels(family, "nat").set(natRulesWritten);
        noLocalEndpoints.labels(family, "internal").set(noLocalInternal);
        noLocalEndpoints.labels(family, "external").set(noLocalExternal);
        lastSync.labels(family).set(seconds(now));
    }

    /**
     * A sync failed: {@code restoreFailed} when iptables-restore itself failed, {@code partial} when the sync tried
     * was a partial one (kube-proxy counts every failed partial sync, since it falls back to a full one).
     */
    public void recordSyncFailure(boolean restoreFailed, boolean partial) {
        if (restoreFailed) {
            restoreFailures.labels(family).inc();
        }
        if (partial) {
            partialRestoreFailures.labels(family).inc();
        }
    }

    /** A sync was asked for at {@code now}. */
    public void recordQueued(Instant now) {
        lastQueued.labels(family).set(seconds(now));
    }

    /** An endpoint change reached the rules {@code latency} after the control plane made it. */
    public void recordNetworkProgramming(Duration latency) {
        networkProgramming.labels(family).observe(latency);
    }

    public void recordServiceChange() {
        serviceChanges.labels().inc();
    }

    public void recordEndpointChange() {
        endpointChanges.labels().inc();
    }

    /** A {@code /healthz} answer with this status code. */
    public void recordHealthz(int code) {
        healthz.labels(Integer.toString(code)).inc();
    }

    /** A {@code /livez} answer with this status code. */
    public void recordLivez(int code) {
        livez.labels(Integer.toString(code)).inc();
    }

    /** One conntrack reconcile took {@code nanos} and deleted {@code deleted} flows. */
    public void recordConntrackReconcile(long nanos, int deleted) {
        conntrackDuration.labels(family).observeNanos(nanos);
        if (deleted > 0) {
            conntrackDeleted.labels(family).add(deleted);
        }
    }

    private static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }
}
