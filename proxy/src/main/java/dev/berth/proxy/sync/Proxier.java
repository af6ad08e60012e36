package dev.berth.proxy.sync;

import dev.berth.proxy.conntrack.Conntrack;
import dev.berth.proxy.health.ProxyHealth;
import dev.berth.proxy.health.ServiceHealthServers;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.rules.RuleSet;
import dev.berth.proxy.watch.ClusterState;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync loop, as kube-proxy's iptables proxier runs it: a {@link BoundedFrequencyRunner} calls
 * {@link #syncOnce()} at most once per {@code --min-sync-period} after the previous sync ended, when a change
 * asks for it, and at least once per {@code fullSyncPeriod} (an hour). A sync takes the changes from the
 * {@link ClusterState} and writes them with the {@link IptablesSyncer}. It is full on start, after a failure, when
 * a canary chain is missing (checked every {@code --sync-period}), and once per {@code fullSyncPeriod}; otherwise
 * partial, rewriting only the changed Services' chains. A failed sync is retried after {@code --sync-period}
 * (sooner if a change asks for a sync) and the retry is full.
 *
 * <p>After a successful sync it reports to the observers set with {@link #observe}: the proxy health
 * ({@code /healthz}), the metrics, the health-check node-port servers and the UDP conntrack cleanup.
 */
public final class Proxier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Proxier.class);

    /** kube-proxy's interval between full syncs when nothing forces one. */
    public static final Duration DEFAULT_FULL_SYNC_PERIOD = Duration.ofHours(1);

    private final ClusterState state;
    private final IptablesSyncer syncer;
    private final BoundedFrequencyRunner runner;
    private final Duration syncPeriod;
    private final long fullSyncNanos;
    private final LongSupplier clock;

    // Touched only on the runner's thread, except needFullSync which the canary monitor sets.
    private volatile boolean needFullSync = true;
    private volatile String fullSyncReason = "start";
    private long lastFullSync;
    private volatile IptablesSyncer.Outcome lastOutcome;
    private volatile Thread monitor;

    private volatile ProxyHealth health;
    private volatile ProxyMetrics metrics;
    private volatile ServiceHealthServers serviceHealth;
    private volatile Conntrack conntrack;
    private volatile Clock wallClock = Clock.systemUTC();

    /**
     * @param minSyncPeriod  the least time between the end of one sync and the start of the next
     * @param syncPeriod     the delay before a failed sync is retried (and the canary check interval Main uses)
     * @param fullSyncPeriod the longest time between syncs, and between full syncs
     * @param clock          monotonic nanoseconds ({@code System::nanoTime} in production)
     */
    public Proxier(ClusterState state, IptablesSyncer syncer, Duration minSyncPeriod, Duration syncPeriod,
                   Duration fullSyncPeriod, LongSupplier clock) {
        this.state = state;
        this.syncer = syncer;
        this.syncPeriod = syncPeriod;
        this.fullSyncNanos = fullSyncPeriod.toNanos();
        this.clock = clock;
        var maxInterval = fullSyncPeriod.compareTo(minSyncPeriod) < 0 ? minSyncPeriod : fullSyncPeriod;
        this.runner = new BoundedFrequencyRunner("sync-proxy-rules", this::syncOnce, minSyncPeriod, maxInterval, clock);
    }

    /**
     * Sets who hears about syncs; any may be null. Call before {@link #start}.
     *
     * @param wallClock the clock for timestamps in metrics and for network programming latency
     */
    public Proxier observe(ProxyHealth health, ProxyMetrics metrics, ServiceHealthServers serviceHealth,
                           Conntrack conntrack, Clock wallClock) {
        this.health = health;
        this.metrics = metrics;
        this.serviceHealth = serviceHealth;
        this.conntrack = conntrack;
        this.wallClock = wallClock == null ? Clock.systemUTC() : wallClock;
        return this;
    }

    /** The runner, for wiring {@link ClusterState}'s change callback to {@link BoundedFrequencyRunner#run()}. */
    public BoundedFrequencyRunner runner() {
        return runner;
    }

    /** Starts the sync loop and a canary check every {@code canaryInterval}. */
    public Proxier start(Duration canaryInterval) {
        runner.start();
        monitor = Thread.ofVirtual().name("iptables-canary").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(canaryInterval);
                } catch (InterruptedException e) {
                    return;
                }
                checkCanaries();
            }
        });
        return this;
    }

    /**
     * Asks for a sync (a partial one unless a full one is already due) because a change arrived: the proxy
     * health starts counting how long the change waits, and the queued timestamp metric is set.
     */
    public void requestSync() {
        var h = health;
        if (h != null) {
            h.queuedUpdate();
        }
        var m = metrics;
        if (m != null) {
            m.recordQueued(wallClock.instant());
        }
        runner.run();
    }

    /** Marks a full sync due and asks for a sync. */
    public void forceFullSync(String reason) {
        fullSyncReason = reason;
        needFullSync = true;
        runner.run();
    }

    /**
     * Checks the canary chains; if one is gone, something flushed a table under the proxy and a full sync is
     * forced. Returns whether one was missing.
     */
    public boolean checkCanaries() {
        var missing = syncer.missingCanaries();
        if (missing.isEmpty()) {
            return false;
        }
        LOG.warn("canary chain missing, forcing a full sync tables={}", missing);
        forceFullSync("canary missing in " + String.join(",", missing));
        return true;
    }

    /** One sync; runs on the runner's thread (or a test's). Never throws: a failure schedules a retry. */
    public void syncOnce() {
        long now = clock.getAsLong();
        boolean periodicFull = lastFullSync != 0 && now - lastFullSync >= fullSyncNanos;
        boolean forced = needFullSync;
        boolean full = forced || periodicFull;
        String reason = forced ? fullSyncReason : "periodic";
        // Clear before taking the changes so a canary trip during this sync leads to another full sync.
        needFullSync = false;
        var snapshot = state.takeChanges();
        SyncKind kind = full ? new SyncKind.Full(reason) : new SyncKind.Partial(snapshot.changedServices());
        var m = metrics;
        try {
            // As kube-proxy: the jumps from the built-in chains are checked on full syncs only (a flush that
            // removes them also removes the canary, which forces one).
            var outcome = syncer.sync(snapshot.state(), kind, full);
            lastOutcome = outcome;
            if (full) {
                lastFullSync = now == 0 ? 1 : now;
            }
            var rules = outcome.rules();
            LOG.info("synced kind={} reason=\"{}\" changedServices={} servicePorts={} endpoints={} natRules={} "
                            + "natRulesTotal={} filterRules={} staleChainsDeleted={} durationMs={}",
                    full ? "full" : "partial", full ? reason : "", snapshot.changedServices().size(),
                    rules.servicePorts(), rules.endpoints(), rules.natRules(), rules.natRulesTotal(),
                    rules.filterRules(), outcome.deletedChains().size(), outcome.duration().toMillis());
            afterSuccess(snapshot, rules, m);
        } catch (SyncException | RuntimeException e) {
            // Nothing of this sync landed (restore is atomic per table), and the changes taken are gone with it:
            // rewrite everything next time.
            needFullSync = true;
            fullSyncReason = "previous sync failed";
            if (m != null) {
                m.recordSyncFailure(e instanceof SyncException se && se.restoreFailed(), !full);
            }
            LOG.error("sync failed kind={} retryInMs={} error=\"{}\"", full ? "full" : "partial",
                    syncPeriod.toMillis(), e.getMessage());
            runner.retryAfter(syncPeriod);
        } finally {
            if (m != null) {
                m.recordSyncDuration(!full, clock.getAsLong() - now);
            }
        }
    }

    private void afterSuccess(ClusterState.Snapshot snapshot, RuleSet rules, ProxyMetrics m) {
        var wallNow = wallClock.instant();
        if (m != null) {
            m.recordSynced(rules.filterRules(), rules.natRulesTotal(), rules.natRules(), rules.noLocalInternal(),
                    rules.noLocalExternal(), wallNow);
            snapshot.lastChangeTriggerTimes().values().forEach(times -> times.forEach(
                    t -> m.recordNetworkProgramming(Duration.between(t, wallNow))));
        }
        var h = health;
        if (h != null) {
            h.updated();
        }
        var config = syncer.config();
        var hc = serviceHealth;
        if (hc != null) {
            hc.syncServices(ServiceHealthServers.healthCheckNodePorts(snapshot.state(), config));
            hc.syncEndpoints(ServiceHealthServers.localReadyEndpoints(snapshot.state(), config));
        }
        var ct = conntrack;
        if (ct != null) {
            long start = clock.getAsLong();
            var result = ct.reconcile(snapshot.state(), config);
            if (m != null) {
                m.recordConntrackReconcile(clock.getAsLong() - start, result.deleted());
            }
        }
    }

    /** Whether the next sync will be full. */
    public boolean fullSyncPending() {
        return needFullSync;
    }

    /** The last successful sync, or null. */
    public IptablesSyncer.Outcome lastOutcome() {
        return lastOutcome;
    }

    @Override
    public void close() {
        var m = monitor;
        if (m != null) {
            m.interrupt();
        }
        runner.stop();
    }
}
