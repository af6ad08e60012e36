package dev.berth.scheduler.config;

import java.time.Duration;
import java.util.List;

/**
 * A validated, defaulted {@code KubeSchedulerConfiguration} ({@code kubescheduler.config.k8s.io/v1}).
 *
 * @param parallelism              threads for Filter and Score (default 16)
 * @param percentageOfNodesToScore 0 means the adaptive default
 */
public record SchedulerConfiguration(int parallelism, int percentageOfNodesToScore, Duration podInitialBackoff,
                                     Duration podMaxBackoff, List<ProfileConfig> profiles,
                                     ClientConnection clientConnection, LeaderElection leaderElection) {
    public SchedulerConfiguration {
        profiles = List.copyOf(profiles);
    }

    /** {@code clientConnection}: how the scheduler talks to the API server. */
    public record ClientConnection(String kubeconfig, float qps, int burst) {
        public static final ClientConnection DEFAULT = new ClientConnection("", 50, 100);
    }

    /** {@code leaderElection}, with kube-scheduler's defaults (15s / 10s / 2s, leases). */
    public record LeaderElection(boolean leaderElect, Duration leaseDuration, Duration renewDeadline,
                                 Duration retryPeriod, String resourceLock, String resourceName,
                                 String resourceNamespace) {
        /** Berth's own lease name, so it never contends for kube-scheduler's {@code kube-system/kube-scheduler}. */
        public static final LeaderElection DEFAULT = new LeaderElection(true, Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2), "leases", "berth-scheduler", "kube-system");
    }
}
