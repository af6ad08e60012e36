package dev.berth.scheduler.core;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.QueuedPodInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerTest {
    private static Node node(String name) {
        return Node.builder(name).allocatable("cpu", "4", "memory", "8Gi", "pods", "110").build();
    }

    private static Pod pod(String name) {
        return Pod.builder(name).schedulerName("berth").build();
    }

    /** Rejects the named nodes; registers only node-add events. */
    record RejectNodes(Set<String> nodes) implements Plugin.Filter, Plugin.EnqueueExtensions {
        public String name() { return "RejectNodes"; }
        public Status filter(CycleState s, Pod p, NodeInfo n) {
            return nodes.contains(n.name()) ? Status.unschedulable("node(s) were rejected by the test") : Status.SUCCESS;
        }
        public Set<ClusterEvent> eventsToRegister() { return Set.of(ClusterEvent.NODE_ADD); }
    }

    /** Allows at most one pod per node: proves assumed pods count in the next cycle. */
    record OnePodPerNode() implements Plugin.Filter {
        public String name() { return "OnePodPerNode"; }
        public Status filter(CycleState s, Pod p, NodeInfo n) {
            return n.pods().isEmpty() ? Status.SUCCESS : Status.unschedulable("node(s) already had a pod");
        }
    }

    record PreferNode(String node, int weight) implements Plugin.Score, TestPlugins.Weighted {
        public String name() { return "PreferNode"; }
        public long score(CycleState s, Pod p, NodeInfo n) { return n.name().equals(node) ? 10 : 0; }
    }

    record ConstantScore() implements Plugin.Score {
        public String name() { return "ConstantScore"; }
        public long score(CycleState s, Pod p, NodeInfo n) { return 50; }
    }

    record Shortlist(Set<String> names) implements Plugin.PreFilter {
        public String name() { return "Shortlist"; }
        public PreFilterResult preFilter(CycleState s, Pod p, List<NodeInfo> nodes) {
            return new PreFilterResult(Status.SUCCESS, names);
        }
    }

    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    private Scheduler scheduler(Plugin... plugins) {
        return Scheduler.builder(TestPlugins.config("berth", plugins), TestPlugins.registry(plugins))
                .bindInline().seed(42).outcomes(outcomes::add).build();
    }

    @Test
    void highestWeightedScoreWinsAmongFeasibleNodes() {
        try (Scheduler s = scheduler(new RejectNodes(Set.of("a")), new PreferNode("c", 2))) {
            List.of("a", "b", "c").forEach(n -> s.onNodeAdd(node(n)));
            s.onPodAdd(pod("p"));
            Outcome o = s.drain().getFirst();
            var scheduled = assertInstanceOf(Outcome.Scheduled.class, o);
            assertEquals("c", scheduled.node());
            assertEquals(3, scheduled.evaluatedNodes());
            assertEquals(2, scheduled.feasibleNodes());
        }
    }

    @Test
    void anAssumedPodCountsOnItsNodeInTheNextCycle() {
        try (Scheduler s = scheduler(new OnePodPerNode(), new ConstantScore())) {
            List.of("a", "b").forEach(n -> s.onNodeAdd(node(n)));
            List.of("p1", "p2", "p3").forEach(p -> s.onPodAdd(pod(p)));
            List<Outcome> out = s.drain();
            List<String> nodes = out.stream().filter(o -> o instanceof Outcome.Scheduled)
                    .map(o -> ((Outcome.Scheduled) o).node()).sorted().toList();
            assertEquals(List.of("a", "b"), nodes);
            var failed = assertInstanceOf(Outcome.Unschedulable.class, out.get(2));
            assertEquals("0/2 nodes are available: 2 node(s) already had a pod.", failed.error().getMessage());
        }
    }

    @Test
    void anUnschedulablePodWaitsForAnEventItsRejectingPluginRegistered() {
        try (Scheduler s = scheduler(new RejectNodes(Set.of("a", "b")))) {
            s.onNodeAdd(node("a"));
            s.onNodeAdd(node("b"));
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Unschedulable.class, s.drain().getFirst());
            assertEquals("0/2 nodes are available: 2 node(s) were rejected by the test.", o.error().getMessage());
            assertEquals(Set.of("RejectNodes"), o.error().diagnosis().unschedulablePlugins());
            assertTrue(s.queue().isUnschedulable(pod("p").uid()));

            s.onNodeUpdate(node("a"), Node.builder("a").label("x", "y").allocatable("cpu", "4").build());
            assertTrue(s.queue().isUnschedulable(pod("p").uid()), "a label change is not an event RejectNodes registered");

            s.onNodeAdd(node("c"));
            assertFalse(s.queue().isUnschedulable(pod("p").uid()), "node add moves it out");
        }
    }

    @Test
    void tiesAreBrokenAtRandomAcrossAllTopNodes() {
        try (Scheduler s = scheduler(new ConstantScore())) {
            List.of("a", "b", "c").forEach(n -> s.onNodeAdd(node(n)));
            Map<String, Integer> hits = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                s.onPodAdd(pod("p" + i));
            }
            for (Outcome o : s.drain()) {
                hits.merge(((Outcome.Scheduled) o).node(), 1, Integer::sum);
            }
            assertEquals(Set.of("a", "b", "c"), hits.keySet(), "every tied node is picked sometimes: " + hits);
        }
    }

    @Test
    void aPreFilterShortlistLimitsFilteringAndTheRestCountAsAbsent() {
        try (Scheduler s = scheduler(new Shortlist(Set.of("b", "nope")), new RejectNodes(Set.of("b")))) {
            List.of("a", "b", "c").forEach(n -> s.onNodeAdd(node(n)));
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Unschedulable.class, s.drain().getFirst());
            assertEquals("0/3 nodes are available: 1 node(s) were rejected by the test, "
                    + "2 node(s) didn't satisfy plugin(s) [Shortlist].", o.error().getMessage());
        }
    }

    @Test
    void anEmptyShortlistRejectsAtPreFilter() {
        try (Scheduler s = scheduler(new Shortlist(Set.of()))) {
            s.onNodeAdd(node("a"));
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Unschedulable.class, s.drain().getFirst());
            assertEquals("0/1 nodes are available: node(s) didn't satisfy plugin Shortlist.", o.error().getMessage());
        }
    }

    @Test
    void aFilterExceptionFailsTheAttemptAndBacksOff() {
        Plugin.Filter broken = new Plugin.Filter() {
            public String name() { return "Broken"; }
            public Status filter(CycleState st, Pod p, NodeInfo n) { throw new IllegalStateException("boom"); }
        };
        try (Scheduler s = scheduler(broken)) {
            s.onNodeAdd(node("a"));
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Failed.class, s.drain().getFirst());
            assertEquals("running Filter plugin \"Broken\": boom", o.message());
            assertEquals(1, s.queue().pending().backoff());
        }
    }

    /** Records reserve/unreserve and rejects at Reserve when told. */
    static final class Recorder implements Plugin.Reserve {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final boolean reject;

        Recorder(boolean reject) {
            this.reject = reject;
        }

        public String name() { return "Recorder"; }
        public Status reserve(CycleState s, Pod p, String node) {
            calls.add("reserve " + node);
            return reject ? Status.unschedulable("no room in the test's ledger") : Status.SUCCESS;
        }
        public void unreserve(CycleState s, Pod p, String node) { calls.add("unreserve " + node); }
    }

    @Test
    void aReserveRejectionUnreservesAndForgetsTheAssumedPod() {
        Recorder r = new Recorder(true);
        try (Scheduler s = scheduler(r)) {
            s.onNodeAdd(node("a"));
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Unschedulable.class, s.drain().getFirst());
            assertEquals(List.of("reserve a", "unreserve a"), r.calls);
            assertFalse(s.cache().contains(pod("p").uid()));
            assertTrue(o.error().getMessage().contains("no room in the test's ledger"), o.error().getMessage());
        }
    }

    @Test
    void aFailedBindForgetsTheAssumptionAndRequeuesWithBackoff() {
        try (Scheduler s = Scheduler.builder(TestPlugins.config("berth"), TestPlugins.registry())
                .bindInline().binder((p, n) -> { throw new IllegalStateException("409 Conflict"); }).build()) {
            s.onNodeAdd(node("a"));
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Failed.class, s.drain().getFirst());
            assertEquals("bind", o.stage());
            assertTrue(o.message().contains("409 Conflict"), o.message());
            assertFalse(s.cache().contains(pod("p").uid()));
            assertEquals(1, s.queue().pending().backoff());
        }
    }

    /** Holds every pod at Permit for the given timeout. */
    record Hold(Duration timeout) implements Plugin.Permit {
        public String name() { return "Hold"; }
        public PermitResult permit(CycleState s, Pod p, String node) {
            return new PermitResult(Status.of(Code.WAIT), timeout);
        }
    }

    @Test
    void aPodWaitingAtPermitBindsOnceAllowed() throws Exception {
        List<String> bound = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder(TestPlugins.config("berth", new Hold(Duration.ofMinutes(1))),
                TestPlugins.registry(new Hold(Duration.ofMinutes(1)))).outcomes(outcomes::add)
                .binder((p, n) -> bound.add(p.name() + "->" + n)).build()) {
            s.onNodeAdd(node("a"));
            s.onPodAdd(pod("p"));
            assertEquals(null, s.scheduleOne(s.queue().poll()), "binding continues in the background");
            assertTrue(outcomes.isEmpty(), "nothing is bound while the pod waits");
            // Another plugin (here: the test) allows the waiting pod.
            waitingPod(s, pod("p").uid()).allow("Hold");
            assertTrue(s.awaitBinds(Duration.ofSeconds(10)));
            assertEquals(List.of("p->a"), bound);
            assertInstanceOf(Outcome.Scheduled.class, outcomes.getFirst());
        }
    }

    @Test
    void aPermitTimeoutRejectsThePod() throws Exception {
        try (Scheduler s = Scheduler.builder(TestPlugins.config("berth", new Hold(Duration.ofMillis(1))),
                TestPlugins.registry(new Hold(Duration.ofMillis(1)))).bindInline().outcomes(outcomes::add).build()) {
            s.onNodeAdd(node("a"));
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Unschedulable.class, s.drain().getFirst());
            assertTrue(o.error().getMessage().contains("rejected due to timeout"), o.error().getMessage());
            assertFalse(s.cache().contains(pod("p").uid()));
        }
    }

    private static dev.berth.scheduler.framework.Handle.WaitingPod waitingPod(Scheduler s, String uid) throws InterruptedException {
        List<dev.berth.scheduler.framework.Handle.WaitingPod> found = new ArrayList<>();
        // The pod is added to the waiting list by the background binding task; give it time to get there.
        for (int i = 0; i < 2000 && found.isEmpty(); i++) {
            s.waitingPodsForTest().stream().filter(w -> w.pod().uid().equals(uid)).forEach(found::add);
            if (found.isEmpty()) {
                Thread.sleep(5);
            }
        }
        return found.stream().findFirst().orElseThrow();
    }

    @Test
    void withNoNodesThePodIsUnschedulableUntilANodeArrives() {
        try (Scheduler s = scheduler()) {
            s.onPodAdd(pod("p"));
            var o = assertInstanceOf(Outcome.Unschedulable.class, s.drain().getFirst());
            assertEquals("no nodes available to schedule pods", o.error().getMessage());
            assertTrue(s.queue().isUnschedulable(pod("p").uid()));
            s.onNodeAdd(node("a"));
            assertFalse(s.queue().isUnschedulable(pod("p").uid()));
            assertEquals(1, s.queue().pending().backoff(), "moved out, and waits out its 1s backoff first");
        }
    }

    @Test
    void theRunLoopRetriesABackedOffPodOnItsOwn() throws Exception {
        List<String> bound = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder(TestPlugins.config("berth"), TestPlugins.registry())
                .binder((p, n) -> bound.add(p.name() + "->" + n)).build()) {
            s.onPodAdd(pod("p"));
            Thread loop = Thread.ofPlatform().start(s::run);
            // No node yet: the attempt fails; the node's arrival moves the pod to backoffQ, and nothing
            // but the running loop brings it back to activeQ once its 1s backoff has passed.
            while (!s.queue().isUnschedulable(pod("p").uid())) {
                Thread.sleep(5);
            }
            s.onNodeAdd(node("a"));
            for (int i = 0; i < 1000 && bound.isEmpty(); i++) {
                Thread.sleep(10);
            }
            s.close();
            loop.join();
            assertEquals(List.of("p->a"), bound);
        }
    }

    @Test
    void aPodTheWatchAlreadyReportsBoundIsNotScheduledAgain() {
        try (Scheduler s = scheduler()) {
            s.onNodeAdd(node("a"));
            s.onPodAdd(pod("p"));
            QueuedPodInfo qp = s.queue().poll();
            // Between pop and attempt, another party bound the pod and the watch told the cache.
            s.cache().addPod(pod("p").withNodeName("a"));
            assertEquals(null, s.scheduleOne(qp));
            assertEquals(new dev.berth.scheduler.queue.SchedulingQueue.Pending(0, 0, 0, 0), s.queue().pending());
        }
    }

    @Test
    void onlyARealScaleDownOfABoundPodIsAnEvent() {
        Pod before = Pod.builder("x").nodeName("a").requests("cpu", "2").build();
        assertTrue(Scheduler.scaledDown(before, Pod.builder("x").nodeName("a").requests("cpu", "1").build()));
        assertFalse(Scheduler.scaledDown(before, Pod.builder("x").nodeName("a").requests("cpu", "2").label("k", "v").build()));
        assertFalse(Scheduler.scaledDown(before, Pod.builder("x").nodeName("a").requests("cpu", "3").build()));
    }

    @ParameterizedTest(name = "{0} nodes, percentage {1} -> {2}")
    @CsvSource({
            "50, 0, 50",
            "99, 0, 99",
            "100, 0, 100",
            "1000, 0, 420",
            "5000, 0, 500",
            "6000, 0, 300",
            "500, 10, 100",
            "1000, 30, 300",
            "1000, 100, 1000"})
    void numFeasibleNodesToFindFollowsTheAdaptiveRule(int nodes, int percentage, int expected) {
        try (Scheduler s = scheduler()) {
            assertEquals(expected, s.numFeasibleNodesToFind(percentage, nodes));
        }
    }

    @Test
    void filteringResumesWhereThePreviousCycleStopped() {
        List<String> firstVisited = new CopyOnWriteArrayList<>();
        Plugin.Filter recorder = new Plugin.Filter() {
            public String name() { return "Visit"; }
            public Status filter(CycleState st, Pod p, NodeInfo n) {
                if (st.read(FIRST) == null) {
                    st.write(FIRST, n.name());
                    firstVisited.add(n.name());
                }
                return Status.SUCCESS;
            }
        };
        var config = TestPlugins.config("berth", recorder, new ConstantScore());
        var pct = new dev.berth.scheduler.config.SchedulerConfiguration(1, 50, config.podInitialBackoff(),
                config.podMaxBackoff(), config.profiles(), config.clientConnection(), config.leaderElection());
        try (Scheduler s = Scheduler.builder(pct, TestPlugins.registry(recorder, new ConstantScore())).bindInline().build()) {
            for (int i = 0; i < 300; i++) {
                s.onNodeAdd(node(String.format("n%03d", i)));
            }
            s.onPodAdd(pod("p1"));
            s.onPodAdd(pod("p2"));
            s.drain();
            assertEquals(List.of("n000", "n150"), firstVisited, "each cycle looks at 150 nodes (50%), the next starts after them");
        }
    }

    private static final CycleState.Key<String> FIRST = new CycleState.Key<>("first");
}
