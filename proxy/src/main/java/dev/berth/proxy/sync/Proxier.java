package dev.berth.proxy.sync;

import dev.berth.proxy.watch.ClusterState;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync loop: a {@link BoundedFrequencyRunner} calls {@link #syncOnce()}, which takes the changes from the
 * {@link ClusterState} and writes them with the {@link IptablesSyncer}. A sync is full on start, after a failure,
 * when a canary is missing, and once per {@code fullSyncPeriod}; otherwise it is partial, rewriting only the
 * changed Services' chains. A failed sync is retried with a backoff doubling from the minimum sync period up to
 * the sync period.
 */
public final class Proxier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Proxier.class);

    /** kube-proxy's interval between full syncs when nothing forces one. */
    public static final Duration DEFAULT_FULL_SYNC_PERIOD = Duration.ofHours(1);

    private final ClusterState state;
    private final IptablesSyncer syncer;
    private final BoundedFrequencyRunner runner;
    private final Duration minSyncPeriod;
    private final Duration syncPeriod;
    private final long fullSyncNanos;
    private final LongSupplier clock;

    // Touched only on the runner's thread, except needFullSync which the canary monitor sets.
    private volatile boolean needFullSync = true;
    private volatile String fullSyncReason = "start";
    private long lastFullSync;
    private Duration backoff;
    private volatile IptablesSyncer.Outcome lastOutcome;
    private volatile Thread monitor;

    public Proxier(ClusterState state, IptablesSyncer syncer, Duration minSyncPeriod, Duration syncPeriod,
                   Duration fullSyncPeriod, LongSupplier clock) {
        this.state = state;
        this.syncer = syncer;
        this.minSyncPeriod = minSyncPeriod;
        this.syncPeriod = syncPeriod;
        this.fullSyncNanos = fullSyncPeriod.toNanos();
        this.clock = clock;
        this.backoff = firstBackoff();
        this.runner = new BoundedFrequencyRunner("sync-proxy-rules", this::syncOnce, minSyncPeriod, syncPeriod, clock);
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

    /** Asks for a sync (a partial one unless a full one is already due). */
    public void requestSync() {
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
        try {
            // A run with no changes is the periodic one: recheck the jumps from the built-in chains then.
            var outcome = syncer.sync(snapshot.state(), kind, snapshot.changedPorts().isEmpty());
            lastOutcome = outcome;
            if (full) {
                lastFullSync = now == 0 ? 1 : now;
            }
            backoff = firstBackoff();
            var rules = outcome.rules();
            LOG.info("synced kind={} reason=\"{}\" changedServices={} servicePorts={} endpoints={} natRules={} "
                            + "natRulesTotal={} filterRules={} staleChainsDeleted={} durationMs={}",
                    full ? "full" : "partial", full ? reason : "", snapshot.changedServices().size(),
                    rules.servicePorts(), rules.endpoints(), rules.natRules(), rules.natRulesTotal(),
                    rules.filterRules(), outcome.deletedChains().size(), outcome.duration().toMillis());
        } catch (SyncException | RuntimeException e) {
            // Nothing of this sync landed (restore is atomic per table): rewrite everything next time.
            needFullSync = true;
            fullSyncReason = "previous sync failed";
            LOG.error("sync failed kind={} retryInMs={} error=\"{}\"", full ? "full" : "partial",
                    backoff.toMillis(), e.getMessage());
            runner.retryAfter(backoff);
            var doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(syncPeriod) > 0 ? syncPeriod : doubled;
        }
    }

    private Duration firstBackoff() {
        return minSyncPeriod.isZero() ? Duration.ofMillis(100) : minSyncPeriod;
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
