package dev.berth.proxy;

import dev.berth.kube.KubeConnection;
import dev.berth.kube.Reflector;
import dev.berth.proxy.conntrack.Conntrack;
import dev.berth.proxy.health.NodeEligibility;
import dev.berth.proxy.health.ProxyHealth;
import dev.berth.proxy.health.ProxyHealthServer;
import dev.berth.proxy.health.ServiceHealthServers;
import dev.berth.proxy.metrics.MetricsServer;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.sync.Iptables;
import dev.berth.proxy.sync.IptablesSyncer;
import dev.berth.proxy.sync.Proxier;
import dev.berth.proxy.watch.ClusterState;
import dev.berth.proxy.watch.ClusterWatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running berth-proxy: the watches, the sync loop and its observers (proxy health, metrics, health-check node
 * ports, UDP conntrack cleanup), and the healthz and metrics servers, which are listening before the first sync.
 * {@link Main} runs one on the host; tests run one on a namespace's iptables.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final List<AutoCloseable> closeInOrder = new ArrayList<>();
    private final ProxyHealth health;
    private final ProxyMetrics metrics;
    private final ServiceHealthServers serviceHealth;
    private final Proxier proxier;
    /** Set once the servers were opened (before {@link #start} returns); closing waits for the openings. */
    private volatile Served healthz;
    private volatile Served metricsServer;
    private final CompletableFuture<Served> healthzOpening;
    private final CompletableFuture<Served> metricsOpening;

    private ProxyServer(ProxyHealth health, ProxyMetrics metrics, ServiceHealthServers serviceHealth, Proxier proxier,
                        CompletableFuture<Served> healthzOpening, CompletableFuture<Served> metricsOpening) {
        this.health = health;
        this.metrics = metrics;
        this.serviceHealth = serviceHealth;
        this.proxier = proxier;
        this.healthzOpening = healthzOpening;
        this.metricsOpening = metricsOpening;
    }

    /**
     * Starts everything and returns once the watches delivered their first lists and the sync loop runs.
     *
     * @param iptables             where rules are written and {@code conntrack} runs
     * @param healthCheckAddresses where health-check node ports listen; null for kube-proxy's choice for the node
     */
    public static ProxyServer start(KubeConnection conn, Iptables iptables, IptablesSyncer syncer, Flags flags,
                                    List<String> healthCheckAddresses) throws Exception {
        var config = syncer.config();
        var proxierHolder = new AtomicReference<Proxier>();
        var state = new ClusterState(() -> {
            var p = proxierHolder.get();
            if (p != null) {
                p.requestSync();
            }
        });
        var metrics = new ProxyMetrics(config.ipFamily(), state::pendingServiceChanges, state::pendingEndpointChanges);
        state.onEvents(metrics::recordServiceChange, metrics::recordEndpointChange);
        // kube-proxy's health timeout: a change may wait two sync periods before the proxy counts as stuck.
        var health = new ProxyHealth(flags.syncPeriod().multipliedBy(2), Clock.systemUTC(), config.ipFamily());
        // The servers open while the watches list (Netty's first start costs a few hundred ms of class loading),
        // and the watches start before the rest is built: their lists are the longest step before the first sync.
        // Both servers are listening before the first sync, as before.
        var healthzAddress = flags.healthzAddress();
        var healthzOpening = healthzAddress == null ? null
                : Served.openInBackground("healthz", () -> ProxyHealthServer.start(healthzAddress, health, metrics));
        var metricsAddress = flags.metricsAddress();
        var metricsOpening = metricsAddress == null ? null
                : Served.openInBackground("metrics", () -> MetricsServer.start(metricsAddress, metrics));
        var watches = new ArrayList<AutoCloseable>();
        ClusterWatcher watcher;
        ProxyServer server;
        try {
            watcher = ClusterWatcher.start(conn, state);
            watches.add(watcher);
            watches.add(watchNode(conn, config.nodeName(), health)::close);
            var serviceHealth = healthCheckAddresses == null ? ServiceHealthServers.forNode(config, health::isHealthy)
                    : new ServiceHealthServers(healthCheckAddresses, health::isHealthy);
            var proxier = new Proxier(state, syncer, flags.minSyncPeriod(), flags.syncPeriod(),
                    Proxier.DEFAULT_FULL_SYNC_PERIOD, System::nanoTime)
                    .observe(health, metrics, serviceHealth, new Conntrack(iptables), Clock.systemUTC());
            server = new ProxyServer(health, metrics, serviceHealth, proxier, healthzOpening, metricsOpening);
        } catch (Exception | Error e) {
            watches.forEach(ProxyServer::closeQuietly);
            for (var opening : Arrays.asList(healthzOpening, metricsOpening)) {
                closeWhenOpened(opening);
            }
            throw e;
        }
        server.closeInOrder.addAll(watches);
        try {
            while (!watcher.awaitSynced(Duration.ofSeconds(30))) {
                LOG.info("waiting for the first list of services and endpointslices");
            }
            server.healthz = Served.await(healthzOpening);
            server.metricsServer = Served.await(metricsOpening);
            proxierHolder.set(server.proxier);
            // As kube-proxy's sync loop: the proxy counts as updated when it starts syncing.
            health.updated();
            server.proxier.start(flags.syncPeriod());
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    public ProxyHealth health() {
        return health;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public ServiceHealthServers serviceHealth() {
        return serviceHealth;
    }

    public Proxier proxier() {
        return proxier;
    }

    /** The address the healthz server listens on, or null if it is off or not listening (yet). */
    public InetSocketAddress healthzAddress() {
        return healthz == null || !(healthz.current() instanceof ProxyHealthServer s) ? null : s.address();
    }

    /** The address the metrics server listens on, or null if it is off or not listening (yet). */
    public InetSocketAddress metricsAddress() {
        return metricsServer == null || !(metricsServer.current() instanceof MetricsServer s) ? null : s.address();
    }

    /** Stops the watches, the sync loop and every listener; the rules stay in the kernel. */
    @Override
    public void close() {
        for (var c : closeInOrder) {
            closeQuietly(c);
        }
        proxier.close();
        serviceHealth.close();
        // start() may have failed before it waited for the openings: wait here, so no server outlives close().
        for (var opening : Arrays.asList(healthzOpening, metricsOpening)) {
            closeWhenOpened(opening);
        }
    }

    private static void closeWhenOpened(CompletableFuture<Served> opening) {
        var served = opening == null ? null : opening.exceptionally(e -> null).join();
        if (served != null) {
            closeQuietly(served);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing failed: {}", e.toString());
        }
    }

    /** Watches this node's Node object: a node being deleted fails {@code /healthz} (load balancers drain it). */
    private static Reflector<Boolean> watchNode(KubeConnection conn, String nodeName, ProxyHealth health) {
        return new Reflector<>(conn, "node", "/api/v1/nodes", "metadata.name=" + nodeName, NodeEligibility::of,
                Reflector.Handler.of(health::setNodeEligible, gone -> health.setNodeEligible(false))).start();
    }

    /** Something that opens a server. */
    interface Opener {
        AutoCloseable open() throws IOException;
    }

    /**
     * A server opened now or, if its address cannot be bound yet, retried every 5 seconds in the background as
     * kube-proxy does, without holding up the proxy. Closing stops the retries and the server.
     */
    static final class Served implements AutoCloseable {
        private final AtomicReference<AutoCloseable> server = new AtomicReference<>();
        private final AtomicBoolean stopped = new AtomicBoolean();

        /** {@link #open} on a thread of its own; {@link #await} gives the result. */
        static CompletableFuture<Served> openInBackground(String what, Opener opener) {
            var opening = new CompletableFuture<Served>();
            Thread.ofVirtual().name(what + "-server-open").start(() -> {
                try {
                    opening.complete(open(what, opener));
                } catch (RuntimeException | Error e) {
                    opening.completeExceptionally(e);
                }
            });
            return opening;
        }

        /** The opened server, or null for none; rethrows what opening threw. */
        static Served await(CompletableFuture<Served> opening) {
            if (opening == null) {
                return null;
            }
            try {
                return opening.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }

        static Served open(String what, Opener opener) {
            var served = new Served();
            try {
                served.server.set(opener.open());
                LOG.info("serving {}", what);
            } catch (IOException e) {
                LOG.error("cannot start the {} server, retrying every 5s: {}", what, e.getMessage());
                Thread.ofVirtual().name(what + "-server-retry").start(() -> served.retry(what, opener));
            }
            return served;
        }

        private void retry(String what, Opener opener) {
            while (!stopped.get()) {
                try {
                    Thread.sleep(Duration.ofSeconds(5));
                    var s = opener.open();
                    synchronized (this) {
                        if (stopped.get()) {
                            s.close();
                            return;
                        }
                        server.set(s);
                    }
                    LOG.info("serving {}", what);
                    return;
                } catch (IOException e) {
                    LOG.debug("{} server still cannot start: {}", what, e.getMessage());
                } catch (Exception e) {
                    return;
                }
            }
        }

        AutoCloseable current() {
            return server.get();
        }

        @Override
        public synchronized void close() throws Exception {
            stopped.set(true);
            var s = server.getAndSet(null);
            if (s != null) {
                s.close();
            }
        }
    }
}
