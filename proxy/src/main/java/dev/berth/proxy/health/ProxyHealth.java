package dev.berth.proxy.health;

import dev.berth.proxy.model.IpFamily;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether the proxy keeps up with the API, as kube-proxy's proxy health server judges it. The sync loop calls
 * {@link #queuedUpdate()} when a change arrives that the rules must reflect and {@link #updated()} when a sync
 * wrote the rules. The proxy is healthy until it has synced once, while nothing is queued, and while the oldest
 * queued change is younger than the health timeout (kube-proxy uses twice {@code --sync-period}). {@code /healthz}
 * also fails while the Node is being deleted (deletion timestamp set, or the cluster autoscaler's
 * {@value #TO_BE_DELETED_TAINT} taint), so load balancers drain the node first; {@code /livez} ignores the Node.
 * Thread-safe.
 */
public final class ProxyHealth {
    /** The taint the cluster autoscaler puts on a node it is about to delete. */
    public static final String TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";

    /** One judgement: what {@code /healthz} and {@code /livez} report. */
    public record Status(boolean healthy, Instant lastUpdated, Instant currentTime, boolean synced) {}

    private final Duration healthTimeout;
    private final Clock clock;
    private final String family;

    private Instant lastUpdated;
    private Instant oldestPendingQueued;
    private volatile boolean nodeEligible = true;

    /**
     * @param healthTimeout how long a queued change may wait for a sync before the proxy is unhealthy
     * @param clock         wall clock ({@link Clock#systemUTC()} in production)
     */
    public ProxyHealth(Duration healthTimeout, Clock clock, IpFamily family) {
        this.healthTimeout = Objects.requireNonNull(healthTimeout, "healthTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.family = family == IpFamily.IPV6 ? "IPv6" : "IPv4";
    }

    /** A change the rules must reflect has arrived; only the oldest unsynced one counts. */
    public synchronized void queuedUpdate() {
        if (oldestPendingQueued == null) {
            oldestPendingQueued = clock.instant();
        }
    }

    /** A sync wrote the rules: nothing is pending any more. */
    public synchronized void updated() {
        oldestPendingQueued = null;
        lastUpdated = clock.instant();
    }

    /** The proxy's own health, ignoring the Node. */
    public synchronized Status status() {
        var now = clock.instant();
        if (lastUpdated == null) {
            // Starting up: healthy until the first sync, as kube-proxy is.
            return new Status(true, GoTime.ZERO, now, false);
        }
        boolean healthy = oldestPendingQueued == null
                || Duration.between(oldestPendingQueued, now).compareTo(healthTimeout) < 0;
        return new Status(healthy, lastUpdated, now, true);
    }

    public boolean isHealthy() {
        return status().healthy();
    }

    /** Records the Node's state: not eligible while it is being deleted (or once it is gone). */
    public void setNodeEligible(boolean eligible) {
        nodeEligible = eligible;
    }

    public boolean nodeEligible() {
        return nodeEligible;
    }

    /** The answer to {@code /healthz}: 200 or 503 with kube-proxy's JSON body. */
    public Answer healthz() {
        var s = status();
        boolean eligible = nodeEligible;
        return answer(s, s.healthy() && eligible, eligible);
    }

    /** The answer to {@code /livez}: as {@code /healthz} without the Node. */
    public Answer livez() {
        var s = status();
        return answer(s, s.healthy(), null);
    }

    /** A status code and a JSON body. */
    public record Answer(int code, String body) {}

    private Answer answer(Status s, boolean healthy, Boolean nodeEligible) {
        // A healthy answer reports the current time as lastUpdated, as older kube-proxies did.
        var lastUpdated = healthy ? s.currentTime() : s.lastUpdated();
        var json = new StringBuilder(160);
        json.append("{\"lastUpdated\":\"").append(GoTime.format(lastUpdated))
                .append("\",\"currentTime\":\"").append(GoTime.format(s.currentTime())).append('"');
        if (nodeEligible != null) {
            json.append(",\"nodeEligible\":").append(nodeEligible);
        }
        json.append(",\"healthy\":").append(s.healthy());
        if (s.synced()) {
            json.append(",\"status\":{\"").append(family).append("\":{\"lastUpdated\":\"")
                    .append(GoTime.format(s.lastUpdated())).append("\",\"healthy\":").append(s.healthy()).append("}}");
        }
        json.append('}');
        return new Answer(healthy ? 200 : 503, json.toString());
    }
}
