package dev.berth.scheduler.cluster.http;

import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.queue.SchedulingQueue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    private final Metrics metrics = new Metrics();

    @Test
    void beforeAnyAttemptOnlyUnlabelledFamiliesAreWrittenAndEveryQueueShowsZero() {
        var lines = lines();
        // As the Go client does: vectors appear on first use, plain metrics and the queue gauge at once.
        assertEquals(List.of("# TYPE scheduler_pending_pods gauge", "# TYPE scheduler_scheduling_algorithm_duration_seconds histogram"),
                lines.stream().filter(l -> l.startsWith("# TYPE")).toList());
        assertTrue(metrics.scrape().startsWith("""
                # HELP scheduler_pending_pods Pods waiting for a node, by queue: 'active' ready to be tried, 'backoff' \
                waiting out a retry delay, 'unschedulable' tried and waiting for a cluster change, 'gated' held by \
                scheduling gates and not tried yet.
                # TYPE scheduler_pending_pods gauge
                scheduler_pending_pods{queue="active"} 0
                scheduler_pending_pods{queue="backoff"} 0
                scheduler_pending_pods{queue="gated"} 0
                scheduler_pending_pods{queue="unschedulable"} 0
                """), metrics.scrape());
        assertTrue(lines.contains("scheduler_scheduling_algorithm_duration_seconds_count 0"));
    }

    @Test
    void pendingPodsComeFromTheQueueAtScrapeTime() {
        metrics.setPendingSupplier(() -> Metrics.byQueue(new SchedulingQueue.Pending(3, 2, 1, 0)));
        assertTrue(lines().containsAll(List.of(
                "scheduler_pending_pods{queue=\"active\"} 3",
                "scheduler_pending_pods{queue=\"backoff\"} 2",
                "scheduler_pending_pods{queue=\"unschedulable\"} 1",
                "scheduler_pending_pods{queue=\"gated\"} 0")), metrics.scrape());
    }

    @Test
    void attemptsCountByResultAndProfileWithUpstreamBuckets() {
        metrics.recordAttempt("default-scheduler", Metrics.SCHEDULED, Duration.ofMillis(3));
        metrics.recordAttempt("default-scheduler", Metrics.SCHEDULED, 20_000_000L);
        metrics.recordAttempt("batch", Metrics.UNSCHEDULABLE, Duration.ofSeconds(20));

        var lines = lines();
        assertTrue(lines.containsAll(List.of(
                "# TYPE scheduler_schedule_attempts_total counter",
                "scheduler_schedule_attempts_total{profile=\"batch\",result=\"unschedulable\"} 1",
                "scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 2",
                "# TYPE scheduler_scheduling_attempt_duration_seconds histogram",
                "scheduler_scheduling_attempt_duration_seconds_bucket{profile=\"default-scheduler\",result=\"scheduled\",le=\"0.001\"} 0",
                "scheduler_scheduling_attempt_duration_seconds_bucket{profile=\"default-scheduler\",result=\"scheduled\",le=\"0.004\"} 1",
                "scheduler_scheduling_attempt_duration_seconds_bucket{profile=\"default-scheduler\",result=\"scheduled\",le=\"0.032\"} 2",
                "scheduler_scheduling_attempt_duration_seconds_bucket{profile=\"default-scheduler\",result=\"scheduled\",le=\"16.384\"} 2",
                "scheduler_scheduling_attempt_duration_seconds_bucket{profile=\"batch\",result=\"unschedulable\",le=\"16.384\"} 0",
                "scheduler_scheduling_attempt_duration_seconds_bucket{profile=\"batch\",result=\"unschedulable\",le=\"+Inf\"} 1",
                "scheduler_scheduling_attempt_duration_seconds_sum{profile=\"default-scheduler\",result=\"scheduled\"} 0.023",
                "scheduler_scheduling_attempt_duration_seconds_count{profile=\"default-scheduler\",result=\"scheduled\"} 2")),
                metrics.scrape());
        // 15 bounds from 1 ms doubling, plus +Inf, per series.
        assertEquals(32, lines.stream().filter(l -> l.startsWith("scheduler_scheduling_attempt_duration_seconds_bucket")).count());
    }

    @Test
    void extensionPointsAndPluginsUseUpstreamLabelValues() {
        metrics.recordExtensionPoint(ExtensionPoint.PRE_FILTER, Code.SUCCESS, "default-scheduler", 50_000L);
        metrics.recordExtensionPoint("ScoreExtensionNormalize", "Success", "default-scheduler", Duration.ofNanos(50_000));
        metrics.recordPlugin("NodeResourcesFit", ExtensionPoint.FILTER, Code.UNSCHEDULABLE, 10_000L);
        metrics.recordPlugin("TaintToleration", "Score", "Success", Duration.ofNanos(10_000));
        metrics.recordBind("default-scheduler", Code.ERROR, Duration.ofMillis(2));

        var lines = lines();
        assertTrue(lines.containsAll(List.of(
                "scheduler_framework_extension_point_duration_seconds_bucket{extension_point=\"PreFilter\",profile=\"default-scheduler\",status=\"Success\",le=\"0.0001\"} 1",
                "scheduler_framework_extension_point_duration_seconds_count{extension_point=\"ScoreExtensionNormalize\",profile=\"default-scheduler\",status=\"Success\"} 1",
                "scheduler_framework_extension_point_duration_seconds_bucket{extension_point=\"Bind\",profile=\"default-scheduler\",status=\"Error\",le=\"0.0016\"} 0",
                "scheduler_framework_extension_point_duration_seconds_bucket{extension_point=\"Bind\",profile=\"default-scheduler\",status=\"Error\",le=\"0.0032\"} 1",
                "scheduler_framework_extension_point_duration_seconds_bucket{extension_point=\"Bind\",profile=\"default-scheduler\",status=\"Error\",le=\"0.2048\"} 1",
                "scheduler_plugin_execution_duration_seconds_bucket{extension_point=\"Filter\",plugin=\"NodeResourcesFit\",status=\"Unschedulable\",le=\"1e-05\"} 1",
                "scheduler_plugin_execution_duration_seconds_bucket{extension_point=\"Filter\",plugin=\"NodeResourcesFit\",status=\"Unschedulable\",le=\"1.5000000000000002e-05\"} 1",
                "scheduler_plugin_execution_duration_seconds_count{extension_point=\"Score\",plugin=\"TaintToleration\",status=\"Success\"} 1")),
                metrics.scrape());
        // 12 bounds from 0.1 ms doubling and 20 from 10 µs times 1.5, plus +Inf each.
        assertEquals(13, lines.stream().filter(l -> l.startsWith(
                "scheduler_framework_extension_point_duration_seconds_bucket{extension_point=\"Bind\"")).count());
        assertEquals(21, lines.stream().filter(l -> l.startsWith(
                "scheduler_plugin_execution_duration_seconds_bucket{extension_point=\"Filter\"")).count());
    }

    @Test
    void algorithmDurationAndIncomingPods() {
        metrics.recordAlgorithm(Duration.ofMillis(1));
        metrics.recordQueueIncoming("active", "PodAdd");
        metrics.recordQueueIncoming("active", "PodAdd");
        metrics.recordQueueIncoming("backoff", "ScheduleAttemptFailure");

        assertTrue(lines().containsAll(List.of(
                "scheduler_scheduling_algorithm_duration_seconds_bucket{le=\"0.001\"} 1",
                "scheduler_scheduling_algorithm_duration_seconds_count 1",
                "scheduler_queue_incoming_pods_total{event=\"PodAdd\",queue=\"active\"} 2",
                "scheduler_queue_incoming_pods_total{event=\"ScheduleAttemptFailure\",queue=\"backoff\"} 1")),
                metrics.scrape());
    }

    @Test
    void everyFamilyHasHelpAndTypeOnce() {
        metrics.recordAttempt("p", Metrics.ERROR, 1L);
        metrics.recordExtensionPoint("Filter", "Success", "p", 1L);
        var lines = lines();
        for (String family : List.of("scheduler_schedule_attempts_total", "scheduler_scheduling_attempt_duration_seconds",
                "scheduler_framework_extension_point_duration_seconds", "scheduler_pending_pods")) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("# HELP " + family + " ")).count(), family);
            assertEquals(1, lines.stream().filter(l -> l.startsWith("# TYPE " + family + " ")).count(), family);
        }
        assertEquals(Map.of("active", 1, "backoff", 2, "unschedulable", 3, "gated", 4),
                Metrics.byQueue(new SchedulingQueue.Pending(1, 2, 3, 4)));
    }

    private List<String> lines() {
        return metrics.scrape().lines().toList();
    }
}
