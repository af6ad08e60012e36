package dev.berth.scheduler.cache;

import dev.berth.scheduler.framework.Snapshot;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheTest {
    private final Cache cache = new Cache(Duration.ofSeconds(30));
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Node node(String name) {
        return Node.builder(name).allocatable("cpu", "4", "memory", "8Gi", "pods", "110").build();
    }

    private static Pod pod(String name, String cpu) {
        return Pod.builder(name).requests("cpu", cpu).build();
    }

    @Test
    void podsBoundByAnySchedulerCountAgainstTheirNode() {
        cache.addNode(node("a"));
        cache.addPod(Pod.builder("other").schedulerName("default-scheduler").nodeName("a").requests("cpu", "1").build());
        assertEquals(1000, cache.snapshot().get("a").requested().milliCpu());
    }

    @Test
    void anAssumedPodCountsUntilForgotten() {
        cache.addNode(node("a"));
        cache.assumePod(pod("p", "500m"), "a");
        assertEquals(500, cache.snapshot().get("a").requested().milliCpu());
        assertTrue(cache.isAssumed(pod("p", "500m").uid()));
        cache.forgetPod(pod("p", "500m").uid());
        assertEquals(0, cache.snapshot().get("a").requested().milliCpu());
    }

    @Test
    void theWatchConfirmsAnAssumptionEvenOnAnotherNode() {
        cache.addNode(node("a"));
        cache.addNode(node("b"));
        cache.assumePod(pod("p", "1"), "a");
        cache.addPod(pod("p", "1").withNodeName("b"));
        Snapshot s = cache.snapshot();
        assertEquals(0, s.get("a").pods().size());
        assertEquals(1, s.get("b").pods().size());
        assertFalse(cache.isAssumed(pod("p", "1").uid()));
    }

    @Test
    void anUnconfirmedAssumptionExpiresAfterItsBindFinished() {
        cache.addNode(node("a"));
        cache.assumePod(pod("p", "1"), "a");
        assertEquals(List.of(), cache.cleanupExpiredAssumedPods(t0.plus(Duration.ofHours(1))), "no expiry before the bind finished");
        cache.finishBinding(pod("p", "1").uid(), t0);
        assertEquals(List.of(), cache.cleanupExpiredAssumedPods(t0.plusSeconds(30)));
        assertEquals(1, cache.cleanupExpiredAssumedPods(t0.plusSeconds(31)).size());
        assertEquals(0, cache.snapshot().get("a").pods().size());
    }

    @Test
    void terminalPodsHoldNothing() {
        cache.addNode(node("a"));
        cache.addPod(pod("p", "1").withNodeName("a"));
        cache.updatePod(Pod.builder("p").requests("cpu", "1").nodeName("a").phase("Succeeded").build());
        assertEquals(0, cache.snapshot().get("a").requested().milliCpu());
    }

    @Test
    void podsOfARemovedNodeCountAgainWhenItReturns() {
        cache.addNode(node("a"));
        cache.addNode(node("b"));
        cache.addPod(pod("p", "1").withNodeName("a"));
        cache.removeNode("a");
        assertNull(cache.snapshot().get("a"));
        assertEquals("b", cache.snapshot().nodes().getFirst().name());
        cache.addNode(node("a"));
        assertEquals(1000, cache.snapshot().get("a").requested().milliCpu());
    }

    @Test
    void aPodArrivingBeforeItsNodeIsCountedWhenTheNodeArrives() {
        cache.addPod(pod("p", "2").withNodeName("late"));
        cache.addNode(node("late"));
        assertEquals(2000, cache.snapshot().get("late").requested().milliCpu());
    }

    @Test
    void theSnapshotIsReusedUntilSomethingChangesAndNeverChangesUnderACycle() {
        cache.addNode(node("a"));
        Snapshot first = cache.snapshot();
        assertSame(first, cache.snapshot());
        cache.assumePod(pod("p", "1"), "a");
        Snapshot second = cache.snapshot();
        assertEquals(0, first.get("a").pods().size(), "the earlier snapshot is frozen");
        assertEquals(1, second.get("a").pods().size());
    }

    @Test
    void imageSpreadFollowsNodesComingAndGoing() {
        cache.addNode(Node.builder("a").image(100, "nginx:1.25").build());
        cache.addNode(Node.builder("b").image(100, "nginx:1.25").build());
        assertEquals(2, cache.snapshot().nodesWithImage("nginx:1.25"));
        cache.updateNode(Node.builder("b").build());
        assertEquals(1, cache.snapshot().nodesWithImage("nginx:1.25"));
        cache.removeNode("a");
        assertEquals(0, cache.snapshot().nodesWithImage("nginx:1.25"));
    }
}
