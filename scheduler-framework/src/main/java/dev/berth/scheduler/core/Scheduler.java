package dev.berth.scheduler.core;

import dev.berth.scheduler.cache.Cache;
import dev.berth.scheduler.config.ProfileConfig;
import dev.berth.scheduler.config.SchedulerConfiguration;
import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.QueuedPodInfo;
import dev.berth.scheduler.framework.Snapshot;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.framework.runtime.Framework;
import dev.berth.scheduler.framework.runtime.Parallelizer;
import dev.berth.scheduler.framework.runtime.WaitingPods;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;
import dev.berth.scheduler.queue.SchedulingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The scheduler: profiles, cache and queue, and the loop that takes one pod at a time through a
 * scheduling cycle (filter, score, pick, assume, reserve, permit) and then a binding cycle (permit
 * wait, pre-bind, bind, post-bind), the latter off the loop unless {@link Builder#bindInline()}.
 *
 * <p>Cluster changes come in through the {@code on*} methods (an informer in a cluster, the manifest
 * reader in {@code simulate}); outcomes go out to the {@link Consumer} given to the builder.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

    private final Map<String, Framework> profiles = new LinkedHashMap<>();
    private final Map<String, Map<String, Set<ClusterEvent>>> eventsByProfile = new HashMap<>();
    private final int percentageOfNodesToScore;
    private final Cache cache;
    private final SchedulingQueue queue;
    private final Parallelizer parallelizer;
    private final WaitingPods waitingPods = new WaitingPods();
    private final InstantSource clock;
    private final SplittableRandom random;
    // Separate from the tie-break random, so sampling never changes placements.
    private final SplittableRandom sampling = new SplittableRandom();
    private final SchedulerMetrics metrics;
    private final Consumer<Outcome> outcomes;
    private final boolean bindInline;
    private final ExecutorService binders;
    private final AtomicInteger bindsInFlight = new AtomicInteger();
    private volatile Snapshot snapshot = Snapshot.of(List.of());
    private volatile boolean stopped;
    private int nextStartNodeIndex;

    private Scheduler(Builder b) {
        SchedulerConfiguration config = Objects.requireNonNull(b.config, "config");
        this.clock = b.clock;
        this.random = new SplittableRandom(b.seed);
        this.metrics = b.metrics;
        this.outcomes = b.outcomes;
        this.bindInline = b.bindInline;
        this.percentageOfNodesToScore = config.percentageOfNodesToScore();
        this.parallelizer = new Parallelizer(config.parallelism());
        this.cache = new Cache(b.assumedTtl);
        Handle handle = new FrameworkHandle(b.binder);
        String queueSort = null;
        for (ProfileConfig p : config.profiles()) {
            Framework fwk = Framework.create(p, b.registry, handle, waitingPods, b.metrics);
            if (queueSort != null && !queueSort.equals(fwk.queueSortName())) {
                throw new IllegalArgumentException("all profiles must use the same queueSort plugin: "
                        + queueSort + " and " + fwk.queueSortName());
            }
            queueSort = fwk.queueSortName();
            profiles.put(p.schedulerName(), fwk);
            eventsByProfile.put(p.schedulerName(), fwk.eventsToRegister());
        }
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("at least one profile is required");
        }
        Framework first = profiles.values().iterator().next();
        this.queue = new SchedulingQueue(SchedulingQueue.comparator(first::less), clock, config.podInitialBackoff(),
                config.podMaxBackoff(), config.podMaxInUnschedulablePodsDuration(), this::worthRequeuing);
        this.binders = bindInline ? null : Executors.newVirtualThreadPerTaskExecutor();
    }

    public static Builder builder(SchedulerConfiguration config, Function<String, Optional<PluginFactory<?>>> registry) {
        return new Builder(config, registry);
    }

    /** Whether one of this scheduler's profiles is named by the pod's {@code schedulerName}. */
    public boolean responsibleFor(Pod pod) {
        return profiles.containsKey(pod.schedulerName());
    }

    public Map<String, Framework> profiles() {
        return profiles;
    }

    public Cache cache() {
        return cache;
    }

    public SchedulingQueue queue() {
        return queue;
    }

    public Parallelizer parallelizer() {
        return parallelizer;
    }

    // ---- cluster events ------------------------------------------------------------------------

    public void onNodeAdd(Node node) {
        cache.addNode(node);
        queue.onEvent(ClusterEvent.NODE_ADD);
    }

    public void onNodeUpdate(Node old, Node updated) {
        cache.updateNode(updated);
        for (ClusterEvent e : nodeChanges(old, updated)) {
            queue.onEvent(e);
        }
    }

    public void onNodeDelete(Node node) {
        cache.removeNode(node.name());
        queue.onEvent(ClusterEvent.NODE_DELETE);
    }

    public void onPodAdd(Pod pod) {
        if (pod.isBound()) {
            cache.addPod(pod);
            queue.onEvent(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.Action.ADD));
        } else if (responsibleFor(pod)) {
            queue.add(pod);
        }
    }

    public void onPodUpdate(Pod old, Pod updated) {
        if (updated.isBound()) {
            if (!old.isBound()) {
                queue.delete(updated.uid());
            }
            cache.updatePod(updated);
            if (old.isBound() && updated.isTerminal() && !old.isTerminal()) {
                // A finished pod frees its node like a deleted one.
                queue.onEvent(ClusterEvent.POD_DELETE);
            } else if (old.isBound() && scaledDown(old, updated)) {
                queue.onEvent(ClusterEvent.POD_SCALE_DOWN);
            }
        } else if (responsibleFor(updated)) {
            queue.update(updated);
        } else {
            queue.delete(updated.uid());
        }
    }

    public void onPodDelete(Pod pod) {
        if (cache.contains(pod.uid())) {
            cache.removePod(pod.uid());
            queue.onEvent(ClusterEvent.POD_DELETE);
        }
        queue.delete(pod.uid());
        waitingPods.reject(pod.uid(), "", "pod " + pod.key() + " was deleted while waiting at Permit");
    }

    /** Whether the pod now requests less of some resource than before (an in-place resize down). */
    static boolean scaledDown(Pod old, Pod updated) {
        Resources before = PodInfo.effectiveRequests(old, false);
        Resources after = PodInfo.effectiveRequests(updated, false);
        return !before.equals(after) && !after.max(before).equals(after);
    }

    static List<ClusterEvent> nodeChanges(Node old, Node updated) {
        List<ClusterEvent> events = new ArrayList<>();
        if (!old.allocatable().equals(updated.allocatable())) {
            events.add(ClusterEvent.NODE_ALLOCATABLE);
        }
        if (!old.labels().equals(updated.labels())) {
            events.add(ClusterEvent.NODE_LABEL);
        }
        if (!old.taints().equals(updated.taints())) {
            events.add(ClusterEvent.NODE_TAINT);
        }
        if (old.unschedulable() != updated.unschedulable()) {
            events.add(ClusterEvent.NODE_UNSCHEDULABLE);
        }
        if (!old.images().equals(updated.images())) {
            events.add(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.Action.UPDATE_NODE_IMAGES));
        }
        return events;
    }

    private boolean worthRequeuing(QueuedPodInfo qp, ClusterEvent event) {
        if (event.equals(ClusterEvent.WILDCARD) || qp.unschedulablePlugins().isEmpty()) {
            return true;
        }
        Map<String, Set<ClusterEvent>> events = eventsByProfile.getOrDefault(qp.pod().schedulerName(), Map.of());
        for (String plugin : qp.unschedulablePlugins()) {
            Set<ClusterEvent> registered = events.get(plugin);
            if (registered == null) {
                return true;
            }
            for (ClusterEvent r : registered) {
                if (r.matches(event)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- the loop ------------------------------------------------------------------------------

    /**
     * Schedules pods until {@link #close()}: pops, attempts, and repeats. Housekeeping (backoff flush,
     * the 5-minute leftover flush, expired assumptions) runs every second beside it, as in kube-scheduler.
     */
    public void run() {
        Thread keeper = Thread.ofPlatform().daemon().name("berth-scheduler-housekeeping").start(() -> {
            while (!stopped) {
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
                housekeeping();
            }
        });
        try {
            loop();
        } finally {
            keeper.interrupt();
        }
    }

    private void loop() {
        while (!stopped) {
            QueuedPodInfo qp;
            try {
                qp = queue.pop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (qp == null) {
                return;
            }
            try {
                scheduleOne(qp);
            } catch (RuntimeException e) {
                // One pod's trouble must never stop the scheduling of every other pod.
                LOG.error("scheduling attempt crashed pod={}", qp.pod().key(), e);
                queue.requeueAfterError(qp);
            }
        }
    }

    /** Runs attempts for every pod ready now, in queue order, and returns their outcomes (simulate, tests). */
    public List<Outcome> drain() {
        List<Outcome> out = new ArrayList<>();
        QueuedPodInfo qp;
        while ((qp = queue.poll()) != null) {
            Outcome o = scheduleOne(qp);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    /** Periodic housekeeping: backoff flush, 5-minute leftover flush, expired assumptions. */
    public void housekeeping() {
        queue.flushBackoffCompleted();
        queue.flushUnschedulableLeftover();
        for (Pod expired : cache.cleanupExpiredAssumedPods(clock.instant())) {
            LOG.warn("assumed pod expired without bind confirmation pod={} node={}", expired.key(), expired.nodeName());
            queue.onEvent(ClusterEvent.POD_DELETE);
            if (responsibleFor(expired)) {
                queue.add(expired.withNodeName(""));
            }
        }
    }

    /**
     * One attempt for one pod. Returns its outcome when the attempt ended within the scheduling cycle
     * or the binding ran inline; null when binding continues in the background (its outcome is
     * delivered to the consumer later).
     */
    public Outcome scheduleOne(QueuedPodInfo qp) {
        Pod pod = qp.pod();
        long start = System.nanoTime();
        Framework fwk = profiles.get(pod.schedulerName());
        // Already assumed, or already bound as the watch reports it: nothing to schedule.
        if (fwk == null || cache.contains(pod.uid())) {
            queue.done(pod.uid());
            return null;
        }
        long cycle = queue.schedulingCycle();
        CycleState state = new CycleState();
        // Time every plugin call in about one cycle in ten, as kube-scheduler does.
        state.recordPluginMetrics(sampling.nextInt(10) == 0);
        ScheduleResult result;
        try {
            long algorithmStart = System.nanoTime();
            result = schedulePod(fwk, state, pod);
            metrics.algorithm(System.nanoTime() - algorithmStart);
        } catch (FitError fe) {
            FitError reported = fe;
            if (fwk.hasPostFilterPlugins()) {
                Plugin.PostFilterResult pr = fwk.runPostFilter(state, pod, fe.diagnosis().nodeStatuses());
                String msg = pr.status().isSuccess() ? null : pr.status().message();
                if (msg != null && !msg.isEmpty()) {
                    reported = new FitError(pod, fe.numAllNodes(), fe.diagnosis().withPostFilterMessage(msg));
                }
            }
            queue.requeue(qp, reported.diagnosis().unschedulablePlugins(), cycle);
            return emit(new Outcome.Unschedulable(pod, fwk.profileName(), reported, since(start)));
        } catch (RuntimeException e) {
            LOG.warn("scheduling attempt failed pod={} profile={} error=\"{}\"", pod.key(), fwk.profileName(), e.getMessage());
            queue.requeueAfterError(qp);
            return emit(new Outcome.Failed(pod, fwk.profileName(), "schedule", e.getMessage(), since(start)));
        }
        String node = result.node();
        try {
            cache.assumePod(pod, node);
        } catch (IllegalStateException e) {
            // The watch delivered the pod as bound while this cycle ran.
            queue.done(pod.uid());
            return emit(new Outcome.Failed(pod, fwk.profileName(), "assume", e.getMessage(), since(start)));
        }
        Pod assumed = pod.withNodeName(node);

        Status reserve = fwk.runReserve(state, assumed, node);
        if (!reserve.isSuccess()) {
            return failAfterAssume(fwk, qp, state, assumed, node, reserve, "reserve", cycle, start);
        }
        Status permit = fwk.runPermit(state, assumed, node);
        if (!permit.isSuccess() && permit.code() != Code.WAIT) {
            return failAfterAssume(fwk, qp, state, assumed, node, permit, "permit", cycle, start);
        }
        if (bindInline) {
            return bindingCycle(fwk, qp, state, assumed, result, cycle, start);
        }
        bindsInFlight.incrementAndGet();
        binders.execute(() -> {
            try {
                bindingCycle(fwk, qp, state, assumed, result, cycle, start);
            } catch (RuntimeException e) {
                // Never leave an assumption behind a crash: undo it and retry the pod later.
                LOG.error("binding cycle crashed pod={} node={}", assumed.key(), node, e);
                fwk.runUnreserve(state, assumed, node);
                cache.forgetPod(assumed.uid());
                queue.requeueAfterError(qp);
            } finally {
                bindsInFlight.decrementAndGet();
            }
        });
        return null;
    }

    private Outcome bindingCycle(Framework fwk, QueuedPodInfo qp, CycleState state, Pod assumed, ScheduleResult result,
                                 long cycle, long start) {
        String node = result.node();
        Status s = fwk.waitOnPermit(assumed);
        if (!s.isSuccess()) {
            return failAfterAssume(fwk, qp, state, assumed, node, s, "permit", cycle, start);
        }
        s = fwk.runPreBind(state, assumed, node);
        if (!s.isSuccess()) {
            return failAfterAssume(fwk, qp, state, assumed, node, s, "prebind", cycle, start);
        }
        s = fwk.runBind(state, assumed, node);
        if (!s.isSuccess()) {
            return failAfterAssume(fwk, qp, state, assumed, node, s, "bind", cycle, start);
        }
        cache.finishBinding(assumed.uid(), clock.instant());
        fwk.runPostBind(state, assumed, node);
        queue.done(assumed.uid());
        return emit(new Outcome.Scheduled(assumed, fwk.profileName(), node, result.evaluatedNodes(),
                result.feasibleNodes(), since(start)));
    }

    private Outcome failAfterAssume(Framework fwk, QueuedPodInfo qp, CycleState state, Pod assumed, String node,
                                    Status status, String stage, long cycle, long start) {
        fwk.runUnreserve(state, assumed, node);
        cache.forgetPod(assumed.uid());
        // The forgotten pod's resources are free again: others waiting on them may fit now.
        queue.onEvent(ClusterEvent.POD_DELETE);
        Pod pod = assumed.withNodeName("");
        if (status.isRejected() && status.plugin() != null) {
            queue.requeue(qp, Set.of(status.plugin()), cycle);
            Diagnosis d = new Diagnosis(Map.of(node, status), null, Set.of(status.plugin()), status.message(), null);
            return emit(new Outcome.Unschedulable(pod, fwk.profileName(), new FitError(pod, 1, d), since(start)));
        }
        queue.requeueAfterError(qp);
        LOG.warn("{} failed pod={} node={} reason={}", stage, pod.key(), node, status.message());
        return emit(new Outcome.Failed(pod, fwk.profileName(), stage, status.message(), since(start)));
    }

    private Outcome emit(Outcome o) {
        String result = switch (o) {
            case Outcome.Scheduled s -> "scheduled";
            case Outcome.Unschedulable u -> "unschedulable";
            case Outcome.Failed f -> "error";
        };
        metrics.attempt(o.profile(), result, o.duration().toNanos());
        outcomes.accept(o);
        return o;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    // ---- the algorithm -------------------------------------------------------------------------

    /** The chosen node and how many nodes were looked at. */
    public record ScheduleResult(String node, int evaluatedNodes, int feasibleNodes) {}

    /** Filters, scores and picks a node for the pod against a fresh snapshot. */
    ScheduleResult schedulePod(Framework fwk, CycleState state, Pod pod) throws FitError {
        Snapshot snap = snapshotForCycle();
        if (snap.size() == 0) {
            throw FitError.noNodesAvailable(pod);
        }
        Feasible f = findNodesThatFit(fwk, state, pod, snap);
        if (f.nodes.isEmpty()) {
            throw new FitError(pod, snap.size(), f.diagnosis);
        }
        int evaluated = f.nodes.size() + f.diagnosis.nodeStatuses().size();
        if (f.nodes.size() == 1) {
            return new ScheduleResult(f.nodes.getFirst().name(), evaluated, 1);
        }
        Status pre = fwk.runPreScore(state, pod, f.nodes);
        if (!pre.isSuccess()) {
            throw new IllegalStateException(pre.message());
        }
        Framework.Scores scores = fwk.runScore(state, pod, f.nodes, parallelizer);
        return new ScheduleResult(selectHost(f.nodes, scores.totals()), evaluated, f.nodes.size());
    }

    /** Takes a fresh snapshot and makes it the one plugins see through their handle. */
    public Snapshot snapshotForCycle() {
        Snapshot snap = cache.snapshot();
        this.snapshot = snap;
        return snap;
    }

    private record Feasible(List<NodeInfo> nodes, Diagnosis diagnosis) {}

    private Feasible findNodesThatFit(Framework fwk, CycleState state, Pod pod, Snapshot snap) {
        List<NodeInfo> all = snap.nodes();
        Framework.PreFilterOutcome pre = fwk.runPreFilter(state, pod, all);
        if (!pre.status().isSuccess()) {
            if (!pre.status().isRejected()) {
                throw new IllegalStateException(pre.status().message(), pre.status().cause());
            }
            return new Feasible(List.of(), new Diagnosis(Map.of(), pre.status(), pre.plugins(),
                    pre.status().message(), null));
        }
        List<NodeInfo> nodes = all;
        Status absent = null;
        if (pre.nodeNames() != null) {
            nodes = new ArrayList<>(pre.nodeNames().size());
            for (String name : pre.nodeNames()) {
                NodeInfo n = snap.get(name);
                if (n != null) {
                    nodes.add(n);
                }
            }
            absent = Status.unresolvable("node(s) didn't satisfy plugin(s) " + new TreeSet<>(pre.plugins()));
        }
        int numAll = nodes.size();
        int toFind = numFeasibleNodesToFind(fwk.percentageOfNodesToScore(), numAll);
        if (!fwk.hasScorePlugins()) {
            toFind = 1;
        }
        List<NodeInfo> feasible;
        Map<String, Status> statuses = new HashMap<>();
        Set<String> rejecting = new TreeSet<>(pre.plugins());
        int start = numAll == 0 ? 0 : nextStartNodeIndex % numAll;
        if (!fwk.hasFilterPlugins()) {
            feasible = new ArrayList<>();
            for (int i = 0; i < Math.min(toFind, numAll); i++) {
                feasible.add(nodes.get((start + i) % numAll));
            }
        } else {
            long filterStart = System.nanoTime();
            NodeInfo[] found = new NodeInfo[toFind];
            Status[] rejected = new Status[numAll];
            AtomicInteger count = new AtomicInteger();
            Status[] error = new Status[1];
            List<NodeInfo> view = nodes;
            final int toFindF = toFind;
            parallelizer.until(numAll, i -> {
                NodeInfo n = view.get((start + i) % numAll);
                Status s = fwk.runFilter(state, pod, n);
                if (s.isSuccess()) {
                    int k = count.incrementAndGet();
                    if (k <= toFindF) {
                        found[k - 1] = n;
                    } else {
                        count.decrementAndGet();
                    }
                } else if (s.code() == Code.ERROR) {
                    synchronized (error) {
                        error[0] = s;
                    }
                } else {
                    rejected[i] = s;
                }
            }, () -> count.get() >= toFindF || error[0] != null);
            metrics.extensionPoint(ExtensionPoint.FILTER, error[0] != null ? Code.ERROR : Code.SUCCESS, fwk.profileName(),
                    System.nanoTime() - filterStart);
            if (error[0] != null) {
                throw new IllegalStateException(error[0].message(), error[0].cause());
            }
            feasible = new ArrayList<>(Arrays.asList(found).subList(0, count.get()));
            for (int i = 0; i < numAll; i++) {
                if (rejected[i] != null) {
                    statuses.put(nodes.get((start + i) % numAll).name(), rejected[i]);
                    if (rejected[i].plugin() != null) {
                        rejecting.add(rejected[i].plugin());
                    }
                }
            }
        }
        int processed = feasible.size() + statuses.size();
        nextStartNodeIndex = all.isEmpty() ? 0 : (nextStartNodeIndex + processed) % all.size();
        return new Feasible(feasible, new Diagnosis(statuses, absent, rejecting, null, null));
    }

    /**
     * How many feasible nodes to find before filtering stops: all below 100 nodes; otherwise the
     * profile's (or scheduler's) percentage, adaptive when 0 (50% minus 1% per 125 nodes, at least 5%),
     * and never fewer than 100.
     */
    int numFeasibleNodesToFind(Integer profilePercentage, int numAllNodes) {
        if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
            return numAllNodes;
        }
        int percentage = profilePercentage != null ? profilePercentage : percentageOfNodesToScore;
        if (percentage == 0) {
            percentage = Math.max(50 - numAllNodes / 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
        }
        int n = (int) ((long) numAllNodes * percentage / 100);
        return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
    }

    /** The highest total wins; among equal totals each is picked with equal probability (reservoir sampling). */
    String selectHost(List<NodeInfo> nodes, long[] totals) {
        int best = 0;
        int ties = 1;
        for (int i = 1; i < totals.length; i++) {
            if (totals[i] > totals[best]) {
                best = i;
                ties = 1;
            } else if (totals[i] == totals[best]) {
                ties++;
                if (random.nextInt(ties) == 0) {
                    best = i;
                }
            }
        }
        return nodes.get(best).name();
    }

    /** Waits up to {@code timeout} for background binds to finish (graceful shutdown, tests). */
    public boolean awaitBinds(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bindsInFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return true;
    }

    @Override
    public void close() {
        stopped = true;
        queue.close();
        if (binders != null) {
            binders.shutdown();
        }
        parallelizer.close();
        waitingPods.close();
    }

    private final class FrameworkHandle implements Handle {
        private final PodBinder binder;

        FrameworkHandle(PodBinder binder) {
            this.binder = binder;
        }

        @Override
        public Snapshot snapshot() {
            return snapshot;
        }

        @Override
        public PodBinder binder() {
            return binder;
        }

        @Override
        public int parallelism() {
            return parallelizer.parallelism();
        }

        @Override
        public Optional<WaitingPod> waitingPod(String uid) {
            return waitingPods.get(uid);
        }

        @Override
        public void forEachWaitingPod(Consumer<WaitingPod> action) {
            waitingPods.forEach(action);
        }
    }

    /** Builds a {@link Scheduler}. */
    public static final class Builder {
        private final SchedulerConfiguration config;
        private final Function<String, Optional<PluginFactory<?>>> registry;
        private Handle.PodBinder binder = (pod, node) -> {};
        private InstantSource clock = InstantSource.system();
        private long seed = System.nanoTime();
        private Consumer<Outcome> outcomes = o -> {};
        private boolean bindInline;
        private Duration assumedTtl = Duration.ofSeconds(30);
        private SchedulerMetrics metrics = SchedulerMetrics.NONE;

        private Builder(SchedulerConfiguration config, Function<String, Optional<PluginFactory<?>>> registry) {
            this.config = config;
            this.registry = registry;
        }

        public Builder binder(Handle.PodBinder v) { binder = v; return this; }
        public Builder clock(InstantSource v) { clock = v; return this; }
        /** Seeds the tie-break among equally scored nodes (tests, reproducible simulations). */
        public Builder seed(long v) { seed = v; return this; }
        public Builder outcomes(Consumer<Outcome> v) { outcomes = v; return this; }
        /** Runs the binding cycle on the scheduling thread (simulate, tests). */
        public Builder bindInline() { bindInline = true; return this; }
        public Builder assumedTtl(Duration v) { assumedTtl = v; return this; }
        public Builder metrics(SchedulerMetrics v) { metrics = v; return this; }

        public Scheduler build() {
            return new Scheduler(this);
        }
    }

    /** The pods held at Permit (tests). */
    List<Handle.WaitingPod> waitingPodsForTest() {
        List<Handle.WaitingPod> out = new ArrayList<>();
        waitingPods.forEach(out::add);
        return out;
    }
}
