package dev.berth.scheduler.framework.runtime;

import dev.berth.scheduler.config.ProfileConfig;
import dev.berth.scheduler.config.ProfileConfig.PluginRef;
import dev.berth.scheduler.core.SchedulerMetrics;
import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.QueuedPodInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One profile's plugins, instantiated once and arranged per extension point, with the code that runs
 * each point the way kube-scheduler's framework does (order, short-circuiting, Skip, weights).
 */
public final class Framework {
    private final String profileName;
    private final Integer percentageOfNodesToScore;
    private final Map<String, Plugin> plugins;
    private final Plugin.QueueSort queueSort;
    private final List<Plugin.PreFilter> preFilters;
    private final List<Plugin.Filter> filters;
    private final List<Plugin.PostFilter> postFilters;
    private final List<Plugin.PreScore> preScores;
    private final List<Plugin.Score> scores;
    private final long[] scoreWeights;
    private final List<Plugin.Reserve> reserves;
    private final List<Plugin.Permit> permits;
    private final List<Plugin.PreBind> preBinds;
    private final List<Plugin.Bind> binds;
    private final List<Plugin.PostBind> postBinds;
    private final WaitingPods waitingPods;
    private final SchedulerMetrics metrics;

    private Framework(ProfileConfig profile, Map<String, Plugin> plugins, WaitingPods waitingPods, SchedulerMetrics metrics) {
        this.metrics = metrics;
        this.profileName = profile.schedulerName();
        this.percentageOfNodesToScore = profile.percentageOfNodesToScore();
        this.plugins = Collections.unmodifiableMap(plugins);
        this.waitingPods = waitingPods;
        List<Plugin.QueueSort> sorts = at(profile, ExtensionPoint.QUEUE_SORT, Plugin.QueueSort.class);
        if (sorts.size() != 1) {
            throw new IllegalArgumentException("profile " + profileName + ": exactly one queueSort plugin must be enabled, got " + sorts.size());
        }
        this.queueSort = sorts.getFirst();
        this.preFilters = at(profile, ExtensionPoint.PRE_FILTER, Plugin.PreFilter.class);
        this.filters = at(profile, ExtensionPoint.FILTER, Plugin.Filter.class);
        this.postFilters = at(profile, ExtensionPoint.POST_FILTER, Plugin.PostFilter.class);
        this.preScores = at(profile, ExtensionPoint.PRE_SCORE, Plugin.PreScore.class);
        this.scores = at(profile, ExtensionPoint.SCORE, Plugin.Score.class);
        this.scoreWeights = profile.at(ExtensionPoint.SCORE).stream().mapToLong(r -> r.weight() <= 0 ? 1 : r.weight()).toArray();
        this.reserves = at(profile, ExtensionPoint.RESERVE, Plugin.Reserve.class);
        this.permits = at(profile, ExtensionPoint.PERMIT, Plugin.Permit.class);
        this.preBinds = at(profile, ExtensionPoint.PRE_BIND, Plugin.PreBind.class);
        this.binds = at(profile, ExtensionPoint.BIND, Plugin.Bind.class);
        this.postBinds = at(profile, ExtensionPoint.POST_BIND, Plugin.PostBind.class);
        if (binds.isEmpty()) {
            throw new IllegalArgumentException("profile " + profileName + ": at least one bind plugin must be enabled");
        }
    }

    /**
     * Instantiates a profile's plugins (each once, whatever the number of points it serves).
     *
     * @param registry finds a plugin's factory by name
     */
    public static Framework create(ProfileConfig profile, Function<String, Optional<PluginFactory<?>>> registry,
                                   Handle handle, WaitingPods waitingPods) {
        return create(profile, registry, handle, waitingPods, SchedulerMetrics.NONE);
    }

    /** As {@link #create(ProfileConfig, Function, Handle, WaitingPods)}, reporting timings to {@code metrics}. */
    public static Framework create(ProfileConfig profile, Function<String, Optional<PluginFactory<?>>> registry,
                                   Handle handle, WaitingPods waitingPods, SchedulerMetrics metrics) {
        Map<String, Plugin> instances = new LinkedHashMap<>();
        for (ExtensionPoint point : ExtensionPoint.values()) {
            for (PluginRef ref : profile.at(point)) {
                if (instances.containsKey(ref.name())) {
                    continue;
                }
                PluginFactory<?> factory = registry.apply(ref.name()).orElseThrow(() -> new IllegalArgumentException(
                        "profile " + profile.schedulerName() + ": unknown plugin \"" + ref.name() + "\""));
                instances.put(ref.name(), instantiate(factory, profile.pluginArgs().get(ref.name()), handle));
            }
        }
        return new Framework(profile, instances, waitingPods, metrics);
    }

    @SuppressWarnings("unchecked")
    private static Plugin instantiate(PluginFactory<?> factory, Object args, Handle handle) {
        Plugin plugin = ((PluginFactory<Object>) factory).create(args, handle);
        if (plugin == null) {
            throw new IllegalArgumentException("plugin factory " + factory.name() + " returned no plugin");
        }
        return plugin;
    }

    private <T extends Plugin> List<T> at(ProfileConfig profile, ExtensionPoint point, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (PluginRef ref : profile.at(point)) {
            Plugin p = plugins.get(ref.name());
            if (!type.isInstance(p)) {
                throw new IllegalArgumentException("profile " + profileName + ": plugin \"" + ref.name()
                        + "\" does not implement the " + point.configName() + " extension point");
            }
            out.add(type.cast(p));
        }
        return List.copyOf(out);
    }

    public String profileName() {
        return profileName;
    }

    /** The profile's own percentageOfNodesToScore, or null to use the scheduler-wide one. */
    public Integer percentageOfNodesToScore() {
        return percentageOfNodesToScore;
    }

    public Map<String, Plugin> plugins() {
        return plugins;
    }

    public boolean hasFilterPlugins() {
        return !filters.isEmpty();
    }

    public boolean hasScorePlugins() {
        return !scores.isEmpty();
    }

    public boolean less(QueuedPodInfo a, QueuedPodInfo b) {
        return queueSort.less(a, b);
    }

    public String queueSortName() {
        return queueSort.name();
    }

    /**
     * The events after which a pod rejected by each plugin may fit, for the queue. Filter and
     * PreFilter plugins that register nothing are taken to care about every event.
     */
    public Map<String, Set<ClusterEvent>> eventsToRegister() {
        Map<String, Set<ClusterEvent>> out = new HashMap<>();
        for (Plugin p : plugins.values()) {
            if (p instanceof Plugin.EnqueueExtensions ext) {
                out.put(p.name(), Set.copyOf(ext.eventsToRegister()));
            } else if (p instanceof Plugin.Filter || p instanceof Plugin.PreFilter || p instanceof Plugin.Permit
                    || p instanceof Plugin.Reserve) {
                out.put(p.name(), Set.of(ClusterEvent.WILDCARD));
            }
        }
        return out;
    }

    /** The merged outcome of the PreFilter plugins. */
    public record PreFilterOutcome(Status status, Set<String> nodeNames, Set<String> plugins) {}

    /**
     * Runs PreFilter in order. The node shortlists of several plugins intersect; an empty intersection
     * rejects the pod; a rejection stops at once; Skip marks the plugin's Filter as skipped.
     */
    public PreFilterOutcome runPreFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        long start = System.nanoTime();
        PreFilterOutcome out = preFilter(state, pod, nodes);
        point(ExtensionPoint.PRE_FILTER, start, out.status());
        return out;
    }

    private PreFilterOutcome preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        Set<String> shortlist = null;
        Set<String> shortlisting = new TreeSet<>();
        Set<String> rejecting = new TreeSet<>();
        int skipped = 0;
        for (Plugin.PreFilter pl : preFilters) {
            Plugin.PreFilterResult r;
            long t = System.nanoTime();
            try {
                r = pl.preFilter(state, pod, nodes);
            } catch (RuntimeException e) {
                return new PreFilterOutcome(errorFrom(pl, "PreFilter", e), null, Set.of());
            }
            Status s = r == null ? Status.SUCCESS : r.status();
            plugin(state, pl, ExtensionPoint.PRE_FILTER, t, s);
            if (s.isSkip()) {
                state.skipFilterPlugins().add(pl.name());
                skipped++;
                continue;
            }
            if (!s.isSuccess()) {
                s = s.withPlugin(pl.name());
                if (s.isRejected()) {
                    rejecting.add(pl.name());
                    return new PreFilterOutcome(s, null, rejecting);
                }
                return new PreFilterOutcome(s, null, Set.of());
            }
            if (r != null && !r.allNodes()) {
                shortlisting.add(pl.name());
                if (shortlist == null) {
                    shortlist = new LinkedHashSet<>(r.nodeNames());
                } else {
                    shortlist.retainAll(r.nodeNames());
                }
                if (shortlist.isEmpty()) {
                    String msg = shortlisting.size() == 1
                            ? "node(s) didn't satisfy plugin " + shortlisting.iterator().next()
                            : "node(s) didn't satisfy plugin(s) " + shortlisting + " simultaneously";
                    Status st = new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(msg), pl.name(), null);
                    return new PreFilterOutcome(st, null, shortlisting);
                }
            }
        }
        return new PreFilterOutcome(Status.SUCCESS, shortlist, shortlisting);
    }

    /** Runs Filter in order for one node and returns the first non-success status. */
    public Status runFilter(CycleState state, Pod pod, NodeInfo node) {
        Set<String> skip = state.skipFilterPlugins();
        boolean timed = state.recordPluginMetrics(); // once per node: this loop is the hottest in the scheduler
        for (Plugin.Filter pl : filters) {
            if (!skip.isEmpty() && skip.contains(pl.name())) {
                continue;
            }
            Status s;
            long t = timed ? System.nanoTime() : 0;
            try {
                s = pl.filter(state, pod, node);
            } catch (RuntimeException e) {
                return errorFrom(pl, "Filter", e);
            }
            if (timed) {
                plugin(state, pl, ExtensionPoint.FILTER, t, s);
            }
            if (s != null && !s.isSuccess()) {
                if (!s.isRejected()) {
                    return Status.error("running \"" + pl.name() + "\" filter plugin: " + s.message()).withPlugin(pl.name());
                }
                return s.withPlugin(pl.name());
            }
        }
        return Status.SUCCESS;
    }

    /** Every Filter plugin's verdict for one node, without stopping at the first rejection (for --explain). */
    public Map<String, Status> explainFilter(CycleState state, Pod pod, NodeInfo node) {
        Map<String, Status> out = new LinkedHashMap<>();
        for (Plugin.Filter pl : filters) {
            if (state.skipFilterPlugins().contains(pl.name())) {
                out.put(pl.name(), Status.SKIP);
                continue;
            }
            try {
                Status s = pl.filter(state, pod, node);
                out.put(pl.name(), s == null ? Status.SUCCESS : s.withPlugin(pl.name()));
            } catch (RuntimeException e) {
                out.put(pl.name(), errorFrom(pl, "Filter", e));
            }
        }
        return out;
    }

    /** Runs PostFilter plugins until one succeeds (nominates a node) or one is unresolvable. */
    public Plugin.PostFilterResult runPostFilter(CycleState state, Pod pod, Map<String, Status> statuses) {
        long start = System.nanoTime();
        Plugin.PostFilterResult r = postFilter(state, pod, statuses);
        point(ExtensionPoint.POST_FILTER, start, r.status());
        return r;
    }

    private Plugin.PostFilterResult postFilter(CycleState state, Pod pod, Map<String, Status> statuses) {
        List<String> reasons = new ArrayList<>();
        for (Plugin.PostFilter pl : postFilters) {
            Plugin.PostFilterResult r;
            try {
                r = pl.postFilter(state, pod, statuses);
            } catch (RuntimeException e) {
                return new Plugin.PostFilterResult(errorFrom(pl, "PostFilter", e), null);
            }
            Status s = r.status();
            if (s.isSuccess()) {
                return r;
            }
            if (s.code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE || s.code() == Code.ERROR) {
                return new Plugin.PostFilterResult(s.withPlugin(pl.name()), null);
            }
            reasons.addAll(s.reasons());
        }
        return new Plugin.PostFilterResult(new Status(Code.UNSCHEDULABLE, reasons, null, null), null);
    }

    public boolean hasPostFilterPlugins() {
        return !postFilters.isEmpty();
    }

    /** Runs PreScore in order; Skip marks the plugin's Score as skipped. */
    public Status runPreScore(CycleState state, Pod pod, List<NodeInfo> nodes) {
        long start = System.nanoTime();
        return point(ExtensionPoint.PRE_SCORE, start, preScore(state, pod, nodes));
    }

    private Status preScore(CycleState state, Pod pod, List<NodeInfo> nodes) {
        for (Plugin.PreScore pl : preScores) {
            Status s;
            long t = System.nanoTime();
            try {
                s = pl.preScore(state, pod, nodes);
            } catch (RuntimeException e) {
                return errorFrom(pl, "PreScore", e);
            }
            plugin(state, pl, ExtensionPoint.PRE_SCORE, t, s);
            if (s == null || s.isSuccess()) {
                continue;
            }
            if (s.isSkip()) {
                state.skipScorePlugins().add(pl.name());
                continue;
            }
            return Status.error("running PreScore plugin \"" + pl.name() + "\": " + s.message()).withPlugin(pl.name());
        }
        return Status.SUCCESS;
    }

    /**
     * Per-plugin weighted scores and per-node totals.
     *
     * @param plugins  the score plugins that ran, in profile order
     * @param weighted {@code weighted[p][n]}: plugin p's normalized score for node n times its weight
     * @param raw      {@code raw[p][n]}: plugin p's score before normalizing
     * @param totals   per node, the sum over plugins
     */
    public record Scores(List<String> plugins, long[][] raw, long[][] weighted, long[] totals) {}

    /** Scores every node with every (non-skipped) Score plugin, normalizes, weighs and sums. */
    public Scores runScore(CycleState state, Pod pod, List<NodeInfo> nodes, Parallelizer parallelizer) {
        long start = System.nanoTime();
        try {
            Scores scored = score(state, pod, nodes, parallelizer);
            point(ExtensionPoint.SCORE, start, Status.SUCCESS);
            return scored;
        } catch (RuntimeException e) {
            point(ExtensionPoint.SCORE, start, Status.error(e));
            throw e;
        }
    }

    private Scores score(CycleState state, Pod pod, List<NodeInfo> nodes, Parallelizer parallelizer) {
        List<Plugin.Score> active = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            if (!state.skipScorePlugins().contains(scores.get(i).name())) {
                active.add(scores.get(i));
                weights.add(scoreWeights[i]);
            }
        }
        int n = nodes.size();
        long[][] raw = new long[active.size()][n];
        RuntimeException[] failure = new RuntimeException[1];
        boolean timed = state.recordPluginMetrics();
        parallelizer.until(n, idx -> {
            NodeInfo node = nodes.get(idx);
            for (int p = 0; p < active.size(); p++) {
                Plugin.Score pl = active.get(p);
                long t = timed ? System.nanoTime() : 0;
                try {
                    raw[p][idx] = pl.score(state, pod, node);
                    if (timed) {
                        plugin(state, pl, ExtensionPoint.SCORE, t, Status.SUCCESS);
                    }
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = new PluginException(pl.name(), "Score", node.name(), e);
                    }
                }
            }
        }, () -> failure[0] != null);
        if (failure[0] != null) {
            throw failure[0];
        }
        long[][] weighted = new long[active.size()][];
        long[] totals = new long[n];
        for (int p = 0; p < active.size(); p++) {
            Plugin.Score pl = active.get(p);
            long[] s = raw[p].clone();
            Status st = pl.normalizeScore(state, pod, nodes, s);
            if (st != null && !st.isSuccess()) {
                throw new PluginException(pl.name(), "NormalizeScore", null, new IllegalStateException(st.message()));
            }
            long w = weights.get(p);
            for (int i = 0; i < n; i++) {
                if (s[i] < Plugin.Score.MIN_NODE_SCORE || s[i] > Plugin.Score.MAX_NODE_SCORE) {
                    throw new PluginException(pl.name(), "Score", nodes.get(i).name(), new IllegalStateException(
                            "plugin \"" + pl.name() + "\" returns an invalid score " + s[i] + ", it should be in the range of ["
                                    + Plugin.Score.MIN_NODE_SCORE + ", " + Plugin.Score.MAX_NODE_SCORE + "] after normalizing"));
                }
                s[i] *= w;
                totals[i] += s[i];
            }
            weighted[p] = s;
        }
        return new Scores(active.stream().map(Plugin::name).toList(), raw, weighted, totals);
    }

    /** Runs Reserve in order; on the first failure, unreserves every Reserve plugin (in reverse) and returns it. */
    public Status runReserve(CycleState state, Pod pod, String nodeName) {
        long start = System.nanoTime();
        return point(ExtensionPoint.RESERVE, start, reserve(state, pod, nodeName));
    }

    private Status reserve(CycleState state, Pod pod, String nodeName) {
        for (Plugin.Reserve pl : reserves) {
            Status s;
            try {
                s = pl.reserve(state, pod, nodeName);
            } catch (RuntimeException e) {
                s = errorFrom(pl, "Reserve", e);
            }
            if (s != null && !s.isSuccess()) {
                return s.withPlugin(pl.name());
            }
        }
        return Status.SUCCESS;
    }

    /** Runs every Reserve plugin's unreserve, in reverse order; failures are logged by the caller's design (ignored). */
    public void runUnreserve(CycleState state, Pod pod, String nodeName) {
        for (int i = reserves.size() - 1; i >= 0; i--) {
            try {
                reserves.get(i).unreserve(state, pod, nodeName);
            } catch (RuntimeException e) {
                // Unreserve must not stop the others from undoing their work.
            }
        }
    }

    /**
     * Runs Permit. A rejection ends the attempt; plugins that answer Wait hold the pod in the waiting
     * list until they allow it, reject it or time out; {@link #waitOnPermit} blocks on that.
     */
    public Status runPermit(CycleState state, Pod pod, String nodeName) {
        long start = System.nanoTime();
        return point(ExtensionPoint.PERMIT, start, permit(state, pod, nodeName));
    }

    private Status permit(CycleState state, Pod pod, String nodeName) {
        Map<String, Duration> waits = new LinkedHashMap<>();
        for (Plugin.Permit pl : permits) {
            Plugin.PermitResult r;
            try {
                r = pl.permit(state, pod, nodeName);
            } catch (RuntimeException e) {
                return errorFrom(pl, "Permit", e);
            }
            Status s = r == null ? Status.SUCCESS : r.status();
            if (s.isSuccess()) {
                continue;
            }
            if (s.code() == Code.WAIT) {
                waits.put(pl.name(), r.timeout() == null ? WaitingPods.MAX_TIMEOUT : r.timeout());
                continue;
            }
            if (s.isRejected()) {
                return s.withPlugin(pl.name());
            }
            return Status.error("running Permit plugin \"" + pl.name() + "\": " + s.message()).withPlugin(pl.name());
        }
        if (!waits.isEmpty()) {
            waitingPods.add(pod, nodeName, waits);
            return new Status(Code.WAIT, List.of(), null, null);
        }
        return Status.SUCCESS;
    }

    /** Blocks until a pod held at Permit is allowed or rejected; Success at once if it was not held. */
    public Status waitOnPermit(Pod pod) {
        return waitingPods.await(pod.uid());
    }

    public Status runPreBind(CycleState state, Pod pod, String nodeName) {
        long start = System.nanoTime();
        return point(ExtensionPoint.PRE_BIND, start, preBind(state, pod, nodeName));
    }

    private Status preBind(CycleState state, Pod pod, String nodeName) {
        for (Plugin.PreBind pl : preBinds) {
            Status s;
            try {
                s = pl.preBind(state, pod, nodeName);
            } catch (RuntimeException e) {
                return errorFrom(pl, "PreBind", e);
            }
            if (s != null && !s.isSuccess() && !s.isSkip()) {
                return s.withPlugin(pl.name());
            }
        }
        return Status.SUCCESS;
    }

    /** Runs Bind plugins until one does not Skip. */
    public Status runBind(CycleState state, Pod pod, String nodeName) {
        long start = System.nanoTime();
        return point(ExtensionPoint.BIND, start, bind(state, pod, nodeName));
    }

    private Status bind(CycleState state, Pod pod, String nodeName) {
        for (Plugin.Bind pl : binds) {
            Status s;
            try {
                s = pl.bind(state, pod, nodeName);
            } catch (RuntimeException e) {
                return errorFrom(pl, "Bind", e);
            }
            if (s != null && s.isSkip()) {
                continue;
            }
            return s == null ? Status.SUCCESS : s.withPlugin(pl.name());
        }
        return Status.SKIP;
    }

    public void runPostBind(CycleState state, Pod pod, String nodeName) {
        for (Plugin.PostBind pl : postBinds) {
            try {
                pl.postBind(state, pod, nodeName);
            } catch (RuntimeException e) {
                // PostBind is informational; a failing one must not undo a successful bind.
            }
        }
    }

    /** Reports an extension point's duration and returns its status. */
    private Status point(ExtensionPoint point, long startNanos, Status status) {
        metrics.extensionPoint(point, status.code(), profileName, System.nanoTime() - startNanos);
        return status;
    }

    private void plugin(CycleState state, Plugin pl, ExtensionPoint point, long startNanos, Status status) {
        if (state.recordPluginMetrics()) {
            metrics.plugin(pl.name(), point, status == null ? Code.SUCCESS : status.code(), System.nanoTime() - startNanos);
        }
    }

    private static Status errorFrom(Plugin pl, String point, RuntimeException e) {
        return new Status(Code.ERROR, List.of("running " + point + " plugin \"" + pl.name() + "\": " + e.getMessage()),
                pl.name(), e);
    }

    /** A plugin failed while scoring; carries which plugin, point and node. */
    public static final class PluginException extends RuntimeException {
        private final String plugin;

        PluginException(String plugin, String point, String node, Throwable cause) {
            super("running " + point + " plugin \"" + plugin + "\"" + (node == null ? "" : " on node " + node) + ": "
                    + cause.getMessage(), cause);
            this.plugin = plugin;
        }

        public String plugin() {
            return plugin;
        }
    }
}
