package dev.berth.scheduler.queue;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.QueuedPodInfo;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.plugins.queuesort.PrioritySort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SchedulingQueueTest {
    /** A clock the test moves by hand. */
    static final class ManualClock implements InstantSource {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final PrioritySort sort = new PrioritySort();
    /** Pods rejected by "NodeAffinity" come back on node label changes only; others on anything. */
    private final SchedulingQueue queue = new SchedulingQueue(SchedulingQueue.comparator(sort::less), clock,
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(5),
            (qp, event) -> !qp.unschedulablePlugins().contains("NodeAffinity")
                    || event.equals(ClusterEvent.WILDCARD) || event.equals(ClusterEvent.NODE_LABEL));

    private static Pod pod(String name, int priority) {
        return Pod.builder(name).priority(priority).build();
    }

    @Test
    void popsByPriorityThenByTimeAdded() {
        queue.add(pod("low", 0));
        clock.advance(Duration.ofMillis(1));
        queue.add(pod("high", 100));
        clock.advance(Duration.ofMillis(1));
        queue.add(pod("low-later", 0));
        List<String> order = new ArrayList<>();
        QueuedPodInfo qp;
        while ((qp = queue.poll()) != null) {
            order.add(qp.pod().name());
        }
        assertEquals(List.of("high", "low", "low-later"), order);
    }

    @ParameterizedTest(name = "attempt {0} backs off {1}s")
    @CsvSource({"1, 1", "2, 2", "3, 4", "4, 8", "5, 10", "20, 10"})
    void backoffDoublesPerAttemptUpToTheMaximum(int attempts, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), queue.backoffDuration(attempts));
    }

    @Test
    void anUnschedulablePodMovesOnlyOnAnEventItsPluginsCareAbout() {
        queue.add(pod("p", 0));
        QueuedPodInfo qp = queue.poll();
        long cycle = queue.schedulingCycle();
        queue.requeue(qp, Set.of("NodeAffinity"), cycle);
        assertEquals(1, queue.pending().unschedulable());

        queue.onEvent(ClusterEvent.NODE_ALLOCATABLE);
        assertEquals(1, queue.pending().unschedulable(), "allocatable changes cannot fix an affinity mismatch");

        queue.onEvent(ClusterEvent.NODE_LABEL);
        assertEquals(0, queue.pending().unschedulable());
        assertEquals(1, queue.pending().backoff(), "still inside its 1s backoff");
        assertNull(queue.poll());

        clock.advance(Duration.ofSeconds(1));
        queue.flushBackoffCompleted();
        assertEquals("p", queue.poll().pod().name());
    }

    @Test
    void anEventDuringTheAttemptSendsAFailureToBackoffNotToTheUnschedulableSet() {
        queue.add(pod("p", 0));
        QueuedPodInfo qp = queue.poll();
        long cycle = queue.schedulingCycle();
        queue.onEvent(ClusterEvent.NODE_ADD);
        queue.requeue(qp, Set.of("NodeAffinity"), cycle);
        assertEquals(0, queue.pending().unschedulable());
        assertEquals(1, queue.pending().backoff());
    }

    @Test
    void anErrorGoesStraightToBackoff() {
        queue.add(pod("p", 0));
        queue.requeueAfterError(queue.poll());
        assertEquals(1, queue.pending().backoff());
    }

    @Test
    void anUnschedulablePodNamingNoPluginWaitsForAnyEvent() {
        queue.add(pod("p", 0));
        queue.requeue(queue.poll(), Set.of(), queue.schedulingCycle());
        assertEquals(1, queue.pending().unschedulable());
        queue.onEvent(ClusterEvent.NODE_ADD);
        assertEquals(0, queue.pending().unschedulable());
    }

    @Test
    void leftoverUnschedulablePodsAreRetriedAfterFiveMinutes() {
        queue.add(pod("p", 0));
        queue.requeue(queue.poll(), Set.of("NodeAffinity"), queue.schedulingCycle());
        clock.advance(Duration.ofMinutes(4));
        queue.flushUnschedulableLeftover();
        assertEquals(1, queue.pending().unschedulable());
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        queue.flushUnschedulableLeftover();
        assertEquals(0, queue.pending().unschedulable());
        assertEquals("p", queue.poll().pod().name());
    }

    @Test
    void anUpdateGivesAnUnschedulablePodAnotherChance() {
        queue.add(pod("p", 0));
        queue.requeue(queue.poll(), Set.of("NodeAffinity"), queue.schedulingCycle());
        clock.advance(Duration.ofSeconds(2));
        queue.update(Pod.builder("p").label("fixed", "yes").build());
        QueuedPodInfo qp = queue.poll();
        assertEquals("yes", qp.pod().labels().get("fixed"));
        assertEquals(2, qp.attempts(), "attempts are kept across the update");
    }

    @Test
    void gatedPodsWaitUntilTheirGatesAreRemoved() {
        queue.add(Pod.builder("p").schedulingGate("example.com/quota").build());
        assertNull(queue.poll());
        assertEquals(1, queue.pending().gated());
        queue.update(Pod.builder("p").build());
        assertEquals("p", queue.poll().pod().name());
    }

    @Test
    void aPodDeletedDuringItsAttemptIsNotBroughtBackByTheAttemptsFailure() {
        queue.add(pod("p", 0));
        QueuedPodInfo qp = queue.poll();
        queue.delete(qp.podInfo().uid());
        queue.requeueAfterError(qp);
        assertEquals(new SchedulingQueue.Pending(0, 0, 0, 0), queue.pending());

        queue.add(pod("q", 0));
        QueuedPodInfo q = queue.poll();
        queue.delete(q.podInfo().uid());
        queue.requeue(q, Set.of("NodeAffinity"), queue.schedulingCycle());
        assertEquals(new SchedulingQueue.Pending(0, 0, 0, 0), queue.pending());
    }

    @Test
    void deletedPodsLeaveEveryQueue() {
        queue.add(pod("a", 0));
        queue.add(pod("b", 0));
        queue.requeue(queue.poll(), Set.of("NodeAffinity"), queue.schedulingCycle());
        queue.delete(pod("a", 0).uid());
        queue.delete(pod("b", 0).uid());
        assertEquals(new SchedulingQueue.Pending(0, 0, 0, 0), queue.pending());
    }
}
