package dev.berth.scheduler.queue;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.QueuedPodInfo;
import dev.berth.scheduler.model.Pod;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;

/**
 * kube-scheduler's scheduling queue: pods waiting for a scheduling attempt.
 * <ul>
 *   <li><b>activeQ</b>: ready now, ordered by the profile's QueueSort plugin;</li>
 *   <li><b>backoffQ</b>: failed recently, held for {@code initialBackoff * 2^(attempts-1)} (capped at
 *       {@code maxBackoff}) before going back to activeQ;</li>
 *   <li><b>unschedulable</b>: no node fitted; such a pod leaves only when a cluster event that one of
 *       its rejecting plugins registered happens, or after {@code maxInUnschedulable} (5 minutes) as a
 *       safety net. Pods with scheduling gates also wait here until the gates are removed.</li>
 * </ul>
 * If an event arrives while a pod is being scheduled, a failure of that attempt sends the pod to
 * backoffQ rather than the unschedulable set, so the event is not lost.
 */
public final class SchedulingQueue implements AutoCloseable {
    /** Where a pod is, for metrics ({@code scheduler_pending_pods{queue=...}}). */
    public record Pending(int active, int backoff, int unschedulable, int gated) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final InstantSource clock;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxInUnschedulable;
    private final BiPredicate<QueuedPodInfo, ClusterEvent> worthRequeuing;

    private final PriorityQueue<QueuedPodInfo> activeQ;
    private final PriorityQueue<QueuedPodInfo> backoffQ;
    private final Map<String, QueuedPodInfo> unschedulable = new HashMap<>();
    private final Map<String, QueuedPodInfo> gated = new HashMap<>();
    private final Map<String, QueuedPodInfo> queued = new HashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    // Pods deleted (or bound elsewhere) during their attempt: the attempt's requeue must not bring them back.
    private final Set<String> goneWhileInFlight = new HashSet<>();
    private long schedulingCycle;
    private long moveRequestCycle = -1;
    private boolean closed;

    /**
     * @param less           the QueueSort plugin's order
     * @param worthRequeuing whether an event may make a pod that failed (with its rejecting plugins) fit
     */
    public SchedulingQueue(Comparator<QueuedPodInfo> less, InstantSource clock, Duration initialBackoff,
                           Duration maxBackoff, Duration maxInUnschedulable,
                           BiPredicate<QueuedPodInfo, ClusterEvent> worthRequeuing) {
        this.clock = clock;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxInUnschedulable = maxInUnschedulable;
        this.worthRequeuing = worthRequeuing;
        this.activeQ = new PriorityQueue<>(less);
        this.backoffQ = new PriorityQueue<>(Comparator.comparing(this::backoffExpiry));
    }

    /** Turns a QueueSort {@code less} into a comparator. */
    public static Comparator<QueuedPodInfo> comparator(BiPredicate<QueuedPodInfo, QueuedPodInfo> less) {
        return (a, b) -> less.test(a, b) ? -1 : less.test(b, a) ? 1 : 0;
    }

    /** A new unbound pod for this scheduler. */
    public void add(Pod pod) {
        lock.lock();
        try {
            if (queued.containsKey(pod.uid()) || unschedulable.containsKey(pod.uid()) || gated.containsKey(pod.uid())
                    || inFlight.contains(pod.uid())) {
                return;
            }
            QueuedPodInfo qp = QueuedPodInfo.of(pod, clock.instant());
            if (!pod.schedulingGates().isEmpty()) {
                gated.put(pod.uid(), qp);
                return;
            }
            pushActive(qp);
        } finally {
            lock.unlock();
        }
    }

    /** A pod that changed; an unschedulable one gets another chance, a gated one is released when ungated. */
    public void update(Pod pod) {
        lock.lock();
        try {
            String uid = pod.uid();
            QueuedPodInfo g = gated.get(uid);
            if (g != null) {
                QueuedPodInfo updated = replace(g, pod);
                if (pod.schedulingGates().isEmpty()) {
                    gated.remove(uid);
                    pushActive(updated);
                } else {
                    gated.put(uid, updated);
                }
                return;
            }
            QueuedPodInfo q = queued.get(uid);
            if (q != null) {
                QueuedPodInfo updated = replace(q, pod);
                if (activeQ.remove(q)) {
                    pushActive(updated);
                } else if (backoffQ.remove(q)) {
                    queued.put(uid, updated);
                    backoffQ.add(updated);
                }
                return;
            }
            QueuedPodInfo u = unschedulable.remove(uid);
            if (u != null) {
                QueuedPodInfo updated = replace(u, pod);
                if (isBackingOff(updated)) {
                    queued.put(uid, updated);
                    backoffQ.add(updated);
                } else {
                    pushActive(updated);
                }
                return;
            }
            if (!inFlight.contains(uid)) {
                add(pod);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A pod that was deleted, got bound elsewhere, or left this scheduler. */
    public void delete(String uid) {
        lock.lock();
        try {
            QueuedPodInfo q = queued.remove(uid);
            if (q != null && !activeQ.remove(q)) {
                backoffQ.remove(q);
            }
            unschedulable.remove(uid);
            gated.remove(uid);
            if (inFlight.contains(uid)) {
                goneWhileInFlight.add(uid);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until a pod is ready, then hands it out for one attempt; null once closed. */
    public QueuedPodInfo pop() throws InterruptedException {
        lock.lock();
        try {
            while (activeQ.isEmpty() && !closed) {
                notEmpty.await(1, TimeUnit.SECONDS);
                flushBackoffCompletedLocked();
            }
            return closed ? null : takeLocked();
        } finally {
            lock.unlock();
        }
    }

    /** A pod ready now, or null (no waiting). */
    public QueuedPodInfo poll() {
        lock.lock();
        try {
            return activeQ.isEmpty() ? null : takeLocked();
        } finally {
            lock.unlock();
        }
    }

    private QueuedPodInfo takeLocked() {
        QueuedPodInfo qp = activeQ.poll();
        queued.remove(qp.podInfo().uid());
        schedulingCycle++;
        inFlight.add(qp.podInfo().uid());
        return new QueuedPodInfo(qp.podInfo(), qp.timestamp(), qp.attempts() + 1,
                qp.initialAttempt() == null ? clock.instant() : qp.initialAttempt(), qp.unschedulablePlugins());
    }

    /** The cycle number of the last pop; a failed attempt reports it back to {@link #requeue}. */
    public long schedulingCycle() {
        lock.lock();
        try {
            return schedulingCycle;
        } finally {
            lock.unlock();
        }
    }

    /** The attempt ended with the pod scheduled (or given up): it is no longer in flight. */
    public void done(String uid) {
        lock.lock();
        try {
            inFlight.remove(uid);
            goneWhileInFlight.remove(uid);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An attempt that found the pod unschedulable. It waits in the unschedulable set for an event its
     * rejecting plugins care about (any event, when no plugin is named), or goes to backoffQ when an
     * event already came in during the attempt.
     */
    public void requeue(QueuedPodInfo qp, Set<String> rejectingPlugins, long podSchedulingCycle) {
        requeue(qp, rejectingPlugins, podSchedulingCycle, false);
    }

    /** An attempt that failed with an error (plugin failure, failed bind): the pod goes to backoffQ. */
    public void requeueAfterError(QueuedPodInfo qp) {
        requeue(qp, Set.of(), 0, true);
    }

    private void requeue(QueuedPodInfo qp, Set<String> rejectingPlugins, long podSchedulingCycle, boolean error) {
        lock.lock();
        try {
            String uid = qp.podInfo().uid();
            inFlight.remove(uid);
            if (goneWhileInFlight.remove(uid) || queued.containsKey(uid) || unschedulable.containsKey(uid) || closed) {
                return;
            }
            QueuedPodInfo failed = new QueuedPodInfo(qp.podInfo(), clock.instant(), qp.attempts(), qp.initialAttempt(),
                    rejectingPlugins);
            if (error || moveRequestCycle >= podSchedulingCycle) {
                queued.put(uid, failed);
                backoffQ.add(failed);
            } else {
                unschedulable.put(uid, failed);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A cluster event: pods it may help leave the unschedulable set (to backoffQ while still backing off). */
    public void onEvent(ClusterEvent event) {
        lock.lock();
        try {
            moveLocked(event, Duration.ZERO);
            moveRequestCycle = schedulingCycle;
        } finally {
            lock.unlock();
        }
    }

    /** Moves pods whose backoff has expired to activeQ; called every second. */
    public void flushBackoffCompleted() {
        lock.lock();
        try {
            flushBackoffCompletedLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Moves pods that sat in the unschedulable set longer than the limit; called every 30 seconds. */
    public void flushUnschedulableLeftover() {
        lock.lock();
        try {
            moveLocked(ClusterEvent.WILDCARD, maxInUnschedulable);
        } finally {
            lock.unlock();
        }
    }

    public Pending pending() {
        lock.lock();
        try {
            return new Pending(activeQ.size(), backoffQ.size(), unschedulable.size(), gated.size());
        } finally {
            lock.unlock();
        }
    }

    /** Every pod waiting, in no particular order (for diagnostics and tests). */
    public List<Pod> pendingPods() {
        lock.lock();
        try {
            List<Pod> out = new ArrayList<>();
            queued.values().forEach(q -> out.add(q.pod()));
            unschedulable.values().forEach(q -> out.add(q.pod()));
            gated.values().forEach(q -> out.add(q.pod()));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the pod is in the unschedulable set (tests and diagnostics). */
    public boolean isUnschedulable(String uid) {
        lock.lock();
        try {
            return unschedulable.containsKey(uid);
        } finally {
            lock.unlock();
        }
    }

    /** kube-scheduler's backoff: initial doubled per attempt after the first, capped at max. */
    public Duration backoffDuration(int attempts) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempts; i++) {
            if (d.compareTo(maxBackoff.minus(d)) > 0) {
                return maxBackoff;
            }
            d = d.plus(d);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Instant backoffExpiry(QueuedPodInfo qp) {
        return qp.timestamp().plus(backoffDuration(qp.attempts()));
    }

    private boolean isBackingOff(QueuedPodInfo qp) {
        return qp.attempts() > 0 && clock.instant().isBefore(backoffExpiry(qp));
    }

    private void pushActive(QueuedPodInfo qp) {
        queued.put(qp.podInfo().uid(), qp);
        activeQ.add(qp);
        notEmpty.signal();
    }

    private void flushBackoffCompletedLocked() {
        Instant now = clock.instant();
        while (!backoffQ.isEmpty() && !now.isBefore(backoffExpiry(backoffQ.peek()))) {
            QueuedPodInfo qp = backoffQ.poll();
            activeQ.add(qp);
            notEmpty.signal();
        }
    }

    private void moveLocked(ClusterEvent event, Duration minAge) {
        Instant now = clock.instant();
        for (var it = unschedulable.values().iterator(); it.hasNext(); ) {
            QueuedPodInfo qp = it.next();
            if (!minAge.isZero() && Duration.between(qp.timestamp(), now).compareTo(minAge) < 0) {
                continue;
            }
            if (!worthRequeuing.test(qp, event)) {
                continue;
            }
            it.remove();
            queued.put(qp.podInfo().uid(), qp);
            if (isBackingOff(qp)) {
                backoffQ.add(qp);
            } else {
                activeQ.add(qp);
                notEmpty.signal();
            }
        }
    }

    private static QueuedPodInfo replace(QueuedPodInfo qp, Pod pod) {
        return new QueuedPodInfo(dev.berth.scheduler.framework.PodInfo.of(pod), qp.timestamp(), qp.attempts(),
                qp.initialAttempt(), qp.unschedulablePlugins());
    }
}
