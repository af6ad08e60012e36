package dev.berth.scheduler.cluster.http;

import dev.berth.kube.http.Counter;
import dev.berth.kube.http.GaugeFunction;
import dev.berth.kube.http.Histogram;
import dev.berth.kube.http.Registry;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.queue.SchedulingQueue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The metrics berth-scheduler reports, under the names, label names and bucket bounds kube-scheduler
 * uses for the same figures ({@code pkg/scheduler/metrics/metrics.go}), so existing dashboards and
 * alerts work unchanged. Recording is thread-safe and, once a label combination has been seen,
 * allocation-free: use the {@code long nanos} overloads on hot paths to avoid a {@link Duration}.
 */
public final class Metrics {
    /** {@code result} values of the attempt metrics. */
    public static final String SCHEDULED = "scheduled";
    public static final String UNSCHEDULABLE = "unschedulable";
    public static final String ERROR = "error";

    /** {@code queue} values of {@code scheduler_pending_pods}, always written. */
    public static final List<String> QUEUES = List.of("active", "backoff", "unschedulable", "gated");

    /** The {@code extension_point} value of binding; master has no separate binding histogram any more. */
    public static final String BIND = "Bind";

    private static final String[] POINT_NAMES = new String[ExtensionPoint.values().length];
    private static final String[] CODE_NAMES = new String[Code.values().length];

    static {
        for (ExtensionPoint p : ExtensionPoint.values()) {
            // kube-scheduler labels points by their Go constant names: PreFilter, Filter, ..., PostBind.
            String config = p.configName();
            POINT_NAMES[p.ordinal()] = Character.toUpperCase(config.charAt(0)) + config.substring(1);
        }
        for (Code c : Code.values()) {
            CODE_NAMES[c.ordinal()] = c.upstreamName();
        }
    }

    private final Registry registry = new Registry();
    private final Counter attempts;
    private final Histogram attemptDuration;
    private final Histogram.Child algorithmDuration;
    private final Histogram extensionPointDuration;
    private final Histogram pluginDuration;
    private final Counter queueIncoming;
    private final GaugeFunction pending;

    public Metrics() {
        attempts = registry.counter("scheduler_schedule_attempts_total",
                "Scheduling attempts by outcome and profile: 'scheduled' placed and bound the pod, "
                        + "'unschedulable' found no node for it, 'error' failed inside the scheduler.",
                "result", "profile");
        attemptDuration = registry.histogram("scheduler_scheduling_attempt_duration_seconds",
                "Seconds one scheduling attempt took, from picking a node through binding.",
                Histogram.exponentialBuckets(0.001, 2, 15), "result", "profile");
        algorithmDuration = registry.histogram("scheduler_scheduling_algorithm_duration_seconds",
                "Seconds spent filtering and scoring nodes for one pod.",
                Histogram.exponentialBuckets(0.001, 2, 15)).labels();
        extensionPointDuration = registry.histogram("scheduler_framework_extension_point_duration_seconds",
                "Seconds taken by all plugins of one extension point together, for one pod.",
                Histogram.exponentialBuckets(0.0001, 2, 12), "extension_point", "status", "profile");
        pluginDuration = registry.histogram("scheduler_plugin_execution_duration_seconds",
                "Seconds one plugin took at one extension point.",
                Histogram.exponentialBuckets(0.00001, 1.5, 20), "plugin", "extension_point", "status");
        queueIncoming = registry.counter("scheduler_queue_incoming_pods_total",
                "Pods put into a scheduling queue, by queue and by the event that put them there.",
                "queue", "event");
        pending = registry.gauge("scheduler_pending_pods",
                "Pods waiting for a node, by queue: 'active' ready to be tried, 'backoff' waiting out a retry "
                        + "delay, 'unschedulable' tried and waiting for a cluster change, 'gated' held by "
                        + "scheduling gates and not tried yet.",
                "queue", QUEUES, null);
    }

    /** The underlying registry, to declare further families. */
    public Registry registry() {
        return registry;
    }

    /** Everything, in the text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * One scheduling attempt of {@code profile} ended with {@code result} ({@link #SCHEDULED}, ...).
     * kube-scheduler times an attempt from the start of its scheduling cycle; a scheduled attempt is
     * recorded once the bind succeeded, so the duration includes binding.
     */
    public void recordAttempt(String profile, String result, long nanos) {
        attempts.labels(result, profile).inc();
        attemptDuration.labels(result, profile).observeNanos(nanos);
    }

    public void recordAttempt(String profile, String result, Duration d) {
        recordAttempt(profile, result, d.toNanos());
    }

    /** The filter-and-score part of one attempt. */
    public void recordAlgorithm(long nanos) {
        algorithmDuration.observeNanos(nanos);
    }

    public void recordAlgorithm(Duration d) {
        recordAlgorithm(d.toNanos());
    }

    /**
     * All plugins of one extension point ran; {@code point} as kube-scheduler names it
     * ({@code "PreFilter"}, {@code "Bind"}, ...), {@code status} a status code name ({@code "Success"}, ...).
     */
    public void recordExtensionPoint(String point, String status, String profile, long nanos) {
        extensionPointDuration.labels(point, status, profile).observeNanos(nanos);
    }

    public void recordExtensionPoint(String point, String status, String profile, Duration d) {
        recordExtensionPoint(point, status, profile, d.toNanos());
    }

    public void recordExtensionPoint(ExtensionPoint point, Code status, String profile, long nanos) {
        recordExtensionPoint(POINT_NAMES[point.ordinal()], CODE_NAMES[status.ordinal()], profile, nanos);
    }

    /** One plugin ran at one extension point. */
    public void recordPlugin(String plugin, String point, String status, long nanos) {
        pluginDuration.labels(plugin, point, status).observeNanos(nanos);
    }

    public void recordPlugin(String plugin, String point, String status, Duration d) {
        recordPlugin(plugin, point, status, d.toNanos());
    }

    public void recordPlugin(String plugin, ExtensionPoint point, Code status, long nanos) {
        recordPlugin(plugin, POINT_NAMES[point.ordinal()], CODE_NAMES[status.ordinal()], nanos);
    }

    /**
     * One bind call: kube-scheduler (master) dropped its binding histogram and reports binds as the
     * {@code Bind} extension point of {@code scheduler_framework_extension_point_duration_seconds}.
     */
    public void recordBind(String profile, Code status, long nanos) {
        recordExtensionPoint(BIND, CODE_NAMES[status.ordinal()], profile, nanos);
    }

    public void recordBind(String profile, Code status, Duration d) {
        recordBind(profile, status, d.toNanos());
    }

    /** A pod entered {@code queue} ({@code "active"}, {@code "backoff"}, {@code "unschedulable"}, {@code "gated"}) on {@code event}. */
    public void recordQueueIncoming(String queue, String event) {
        queueIncoming.labels(queue, event).inc();
    }

    /** Where {@code scheduler_pending_pods} reads its figures at each scrape, keyed by queue name. */
    public void setPendingSupplier(Supplier<? extends Map<String, ? extends Number>> supplier) {
        pending.setSupplier(supplier);
    }

    /** The scheduling queue's counts keyed as {@code scheduler_pending_pods} labels them. */
    public static Map<String, Integer> byQueue(SchedulingQueue.Pending p) {
        var out = new LinkedHashMap<String, Integer>();
        out.put("active", p.active());
        out.put("backoff", p.backoff());
        out.put("unschedulable", p.unschedulable());
        out.put("gated", p.gated());
        return out;
    }
}
