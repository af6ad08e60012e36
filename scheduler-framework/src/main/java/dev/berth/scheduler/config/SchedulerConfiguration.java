package dev.berth.scheduler.config;

import java.time.Duration;
import java.util.List;

/**
 * A validated, defaulted {@code KubeSchedulerConfiguration} ({@code kubescheduler.config.k8s.io/v1}).
 *
 * @param parallelism              threads for Filter and Score (default 16)
 * @param percentageOfNodesToScore 0 means the adaptive default
 * @param podMaxInUnschedulablePodsDuration how long a pod may stay in the unschedulable set before it is
 *                                          retried anyway (upstream's flag of that name; default 5 minutes)
 */
public record SchedulerConfiguration(int parallelism, int percentageOfNodesToScore, Duration podInitialBackoff,
                                     Duration podMaxBackoff, List<ProfileConfig> profiles,
                                     ClientConnection clientConnection, LeaderElection leaderElection,
                                     Duration podMaxInUnschedulablePodsDuration) {
    /** kube-scheduler's default for {@code podMaxInUnschedulablePodsDuration}. */
    public static final Duration DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION = Duration.ofMinutes(5);

    public SchedulerConfiguration {
        profiles = List.copyOf(profiles);
        if (podMaxInUnschedulablePodsDuration == null) {
            podMaxInUnschedulablePodsDuration = DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION;
        }
    }

    /** The original seven-field form; {@code podMaxInUnschedulablePodsDuration} takes its default. */
    public SchedulerConfiguration(int parallelism, int percentageOfNodesToScore, Duration podInitialBackoff,
                                  Duration podMaxBackoff, List<ProfileConfig> profiles,
                                  ClientConnection clientConnection, LeaderElection leaderElection) {
        this(parallelism, percentageOfNodesToScore, podInitialBackoff, podMaxBackoff, profiles, clientConnection,
                leaderElection, DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION);
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
