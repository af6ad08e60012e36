package dev.berth.proxy;

import dev.berth.kube.ApiException;
import dev.berth.kube.KubeConnection;
import dev.berth.kube.Reflector;
import dev.berth.proxy.conntrack.Conntrack;
import dev.berth.proxy.health.NodeEligibility;
import dev.berth.proxy.health.ProxyHealth;
import dev.berth.proxy.health.ProxyHealthServer;
import dev.berth.proxy.health.ServiceHealthServers;
import dev.berth.proxy.metrics.MetricsServer;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.sync.Iptables;
import dev.berth.proxy.sync.IptablesSyncer;
import dev.berth.proxy.sync.Proxier;
import dev.berth.proxy.watch.ClusterState;
import dev.berth.proxy.watch.ClusterWatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code berth-proxy} binary: watches Services and EndpointSlices and keeps the node's iptables rules in
 * kube-proxy's layout, or, with {@code --cleanup}, removes them and exits.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        Flags flags;
        try {
            flags = Flags.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("berth-proxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.exit(run(flags));
        } catch (Exception e) {
            LOG.error("berth-proxy failed: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    static int run(Flags flags) throws Exception {
        var iptables = Iptables.host();
        if (flags.cleanup()) {
            // Cleanup needs no API server and no node: it removes whatever the proxy owns.
            var syncer = new IptablesSyncer(iptables, NodeConfig.builder("cleanup").build());
            var errors = syncer.cleanup();
            errors.forEach(e -> LOG.error("cleanup: {}", e));
            return errors.isEmpty() ? 0 : 1;
        }
        var nodeName = flags.hostnameOverride() != null && !flags.hostnameOverride().isBlank()
                ? flags.hostnameOverride().strip().toLowerCase(Locale.ROOT) : hostname();
        var conn = KubeConnection.connect(flags.kubeconfig(), 5, 10);
        var nodeIPs = nodeIPs(conn, nodeName);
        var config = NodeConfig.builder(nodeName)
                .clusterCIDR(flags.clusterCIDR())
                .masqueradeAll(flags.masqueradeAll())
                .nodeIPs(nodeIPs.toArray(String[]::new))
                .build();
        var syncer = new IptablesSyncer(iptables, config);
        LOG.info("starting berth-proxy node={} nodeIPs={} backend={} clusterCIDR={} masqueradeAll={} minSyncPeriod={} "
                        + "syncPeriod={}", nodeName, nodeIPs, syncer.detectBackend().label(), flags.clusterCIDR(),
                flags.masqueradeAll(), flags.minSyncPeriod(), flags.syncPeriod());

        var proxierHolder = new Proxier[1];
        var state = new ClusterState(() -> {
            if (proxierHolder[0] != null) {
                proxierHolder[0].requestSync();
            }
        });
        var metrics = new ProxyMetrics(config.ipFamily(), state::pendingServiceChanges, state::pendingEndpointChanges);
        state.onEvents(metrics::recordServiceChange, metrics::recordEndpointChange);
        // kube-proxy's health timeout: a change may wait two sync periods before the proxy counts as stuck.
        var health = new ProxyHealth(flags.syncPeriod().multipliedBy(2), Clock.systemUTC(), config.ipFamily());
        var servers = new ArrayList<AutoCloseable>();
        var healthz = flags.healthzAddress();
        if (healthz != null) {
            servers.add(serve("healthz", () -> ProxyHealthServer.start(healthz, health, metrics)));
        }
        var metricsAddress = flags.metricsAddress();
        if (metricsAddress != null) {
            servers.add(serve("metrics", () -> MetricsServer.start(metricsAddress, metrics)));
        }
        var serviceHealth = ServiceHealthServers.forNode(config, health::isHealthy);
        var proxier = new Proxier(state, syncer, flags.minSyncPeriod(), flags.syncPeriod(),
                Proxier.DEFAULT_FULL_SYNC_PERIOD, System::nanoTime)
                .observe(health, metrics, serviceHealth, new Conntrack(iptables), Clock.systemUTC());
        var watcher = ClusterWatcher.start(conn, state);
        var nodeWatch = watchNode(conn, nodeName, health);
        while (!watcher.awaitSynced(Duration.ofSeconds(30))) {
            LOG.info("waiting for the first list of services and endpointslices");
        }
        proxierHolder[0] = proxier;
        // As kube-proxy's sync loop: the proxy counts as updated when it starts syncing.
        health.updated();
        proxier.start(flags.syncPeriod());
        var done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            watcher.close();
            nodeWatch.close();
            proxier.close();
            serviceHealth.close();
            for (var server : servers) {
                try {
                    server.close();
                } catch (Exception e) {
                    LOG.warn("closing a server failed: {}", e.toString());
                }
            }
            done.countDown();
        }));
        done.await();
        return 0;
    }

    /** Something that opens a server. */
    private interface Opener {
        AutoCloseable open() throws IOException;
    }

    /**
     * Opens a server now, or, if its address cannot be bound yet, keeps trying every 5 seconds in the background
     * as kube-proxy does, without holding up the proxy. The returned handle closes it either way.
     */
    static AutoCloseable serve(String what, Opener opener) {
        var holder = new AtomicReference<AutoCloseable>();
        var stopped = new AtomicBoolean();
        try {
            holder.set(opener.open());
            LOG.info("serving {}", what);
        } catch (IOException e) {
            LOG.error("cannot start the {} server, retrying every 5s: {}", what, e.getMessage());
            Thread.ofVirtual().name(what + "-server-retry").start(() -> {
                while (!stopped.get()) {
                    try {
                        Thread.sleep(Duration.ofSeconds(5));
                        var server = opener.open();
                        synchronized (holder) {
                            if (stopped.get()) {
                                server.close();
                            } else {
                                holder.set(server);
                            }
                        }
                        LOG.info("serving {}", what);
                        return;
                    } catch (IOException retry) {
                        LOG.debug("{} server still cannot start: {}", what, retry.getMessage());
                    } catch (Exception interrupted) {
                        return;
                    }
                }
            });
        }
        return () -> {
            synchronized (holder) {
                stopped.set(true);
                var server = holder.getAndSet(null);
                if (server != null) {
                    server.close();
                }
            }
        };
    }

    /** Watches this node's Node object: a node being deleted fails {@code /healthz} (load balancers drain it). */
    private static Reflector<Boolean> watchNode(KubeConnection conn, String nodeName, ProxyHealth health) {
        return new Reflector<>(conn, "node", "/api/v1/nodes", "metadata.name=" + nodeName, NodeEligibility::of,
                new Reflector.Handler<Boolean>() {
                    @Override
                    public void onAdd(Boolean eligible) {
                        health.setNodeEligible(eligible);
                    }

                    @Override
                    public void onUpdate(Boolean old, Boolean eligible) {
                        health.setNodeEligible(eligible);
                    }

                    @Override
                    public void onDelete(Boolean eligible) {
                        health.setNodeEligible(false);
                    }
                }).start();
    }

    private static String hostname() throws UnknownHostException {
        return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    }

    /** The Node's InternalIP (or ExternalIP) addresses, as kube-proxy finds its node IPs; empty if unavailable. */
    static List<String> nodeIPs(KubeConnection conn, String nodeName) {
        var out = new ArrayList<String>();
        try {
            var node = conn.get("/api/v1/nodes/" + nodeName);
            for (var type : List.of("InternalIP", "ExternalIP")) {
                for (var a : node.path("status").path("addresses")) {
                    if (a.path("type").asText().equals(type) && a.path("address").asText().indexOf(':') < 0) {
                        out.add(a.path("address").asText());
                    }
                }
                if (!out.isEmpty()) {
                    break;
                }
            }
        } catch (ApiException e) {
            LOG.warn("cannot read node {}: {}; load-balancer source ranges will not admit the node itself", nodeName,
                    e.getMessage());
        }
        return out;
    }
}
