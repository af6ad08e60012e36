package dev.berth.scheduler.cluster;

import dev.berth.kube.KubeConnection;
import dev.berth.kube.Reflector;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import dev.berth.kube.http.Health;
import dev.berth.scheduler.cluster.http.HealthServer;
import dev.berth.scheduler.cluster.http.Metrics;
import dev.berth.scheduler.config.ConfigLoader;
import dev.berth.scheduler.core.SchedulerMetrics;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.config.SchedulerConfiguration;
import dev.berth.scheduler.core.Scheduler;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.json.ModelReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * berth-scheduler against an API server: reflectors for nodes and for every non-terminal pod feed the
 * scheduler's cache and queue; binds go through {@code pods/binding}; outcomes become Events and the
 * PodScheduled condition.
 */
public final class SchedulerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerServer.class);

    /**
     * Command-line options of the cluster mode; null leaves the configuration file's value.
     *
     * @param onLostLease called when this replica loses the lease after leading (the binary exits)
     */
    public record Options(Path config, String kubeconfig, List<Path> pluginDirs, Boolean leaderElect,
                          String leaseName, String leaseNamespace, Runnable onLostLease, PluginRegistry registry,
                          InetSocketAddress healthz) {
        public Options(Path config, String kubeconfig, List<Path> pluginDirs, Boolean leaderElect, String leaseName,
                       String leaseNamespace, Runnable onLostLease) {
            this(config, kubeconfig, pluginDirs, leaderElect, leaseName, leaseNamespace, onLostLease, null, null);
        }

        public Options(Path config, String kubeconfig, List<Path> pluginDirs, Boolean leaderElect, String leaseName,
                       String leaseNamespace, Runnable onLostLease, PluginRegistry registry) {
            this(config, kubeconfig, pluginDirs, leaderElect, leaseName, leaseNamespace, onLostLease, registry, null);
        }
    }

    private final Scheduler scheduler;
    private final EventWriter events;
    private final Reflector<Node> nodes;
    private final Reflector<Pod> pods;
    private final Thread loop;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile LeaderElector elector;
    private volatile LeaseLock lock;
    private volatile boolean leading;
    private volatile boolean closing;
    private volatile boolean synced;
    private volatile HealthServer health;

    private SchedulerServer(Scheduler scheduler, EventWriter events, Reflector<Node> nodes, Reflector<Pod> pods) {
        this.scheduler = scheduler;
        this.events = events;
        this.nodes = nodes;
        this.pods = pods;
        this.loop = Thread.ofPlatform().name("berth-scheduler-loop").unstarted(() -> {
            try {
                scheduler.run();
            } finally {
                done.countDown();
            }
        });
    }

    /** Loads the configuration, connects, syncs the caches and starts scheduling. */
    public static SchedulerServer start(Options options) throws IOException, InterruptedException {
        PluginRegistry registry = options.registry() != null ? options.registry() : PluginRegistry.load(options.pluginDirs());
        SchedulerConfiguration config = options.config() == null ? ConfigLoader.defaults(registry)
                : ConfigLoader.load(options.config(), registry);
        String kubeconfig = options.kubeconfig() != null ? options.kubeconfig() : config.clientConnection().kubeconfig();
        KubeConnection conn = KubeConnection.connect(kubeconfig, config.clientConnection().qps(), config.clientConnection().burst());
        String instance = InetAddress.getLocalHost().getHostName();
        EventWriter events = new EventWriter(conn, instance);
        Metrics metrics = new Metrics();
        Scheduler scheduler = Scheduler.builder(config, registry::factory)
                .binder(new ApiBinder(conn)).outcomes(events::report).metrics(exporting(metrics)).build();
        metrics.setPendingSupplier(() -> Metrics.byQueue(scheduler.queue().pending()));
        Reflector<Node> nodes = new Reflector<>(conn, "nodes", "/api/v1/nodes", null, ModelReader::node,
                new Reflector.Handler<>() {
                    public void onAdd(Node n) { scheduler.onNodeAdd(n); }
                    public void onUpdate(Node old, Node n) { scheduler.onNodeUpdate(old, n); }
                    public void onDelete(Node n) { scheduler.onNodeDelete(n); }
                });
        // Terminal pods hold no resources and need no scheduling: leave them out, as kube-scheduler does.
        Reflector<Pod> pods = new Reflector<>(conn, "pods", "/api/v1/pods",
                "status.phase!=Succeeded,status.phase!=Failed", ModelReader::pod, new Reflector.Handler<>() {
                    public void onAdd(Pod p) { scheduler.onPodAdd(p); }
                    public void onUpdate(Pod old, Pod p) {
                        scheduler.onPodUpdate(old, p);
                        if (p.isBound()) {
                            events.forget(p.uid());
                        }
                    }
                    public void onDelete(Pod p) {
                        scheduler.onPodDelete(p);
                        events.forget(p.uid());
                    }
                });
        SchedulerServer server = new SchedulerServer(scheduler, events, nodes, pods);
        if (options.healthz() != null) {
            server.health = HealthServer.start(options.healthz(), metrics.registry(),
                    () -> server.closing ? Health.failing("shutting down") : Health.ok(),
                    () -> server.closing ? Health.failing("shutting down")
                            : server.synced ? Health.ok() : Health.failing("caches not synced"));
            LOG.info("serving /healthz /readyz /metrics address={}", server.health.address());
        }
        nodes.start();
        pods.start();
        if (!nodes.awaitSynced(Duration.ofMinutes(2)) || !pods.awaitSynced(Duration.ofMinutes(2))) {
            server.close();
            throw new IOException("could not list nodes and pods from " + conn.server() + " within 2 minutes");
        }
        server.synced = true;
        LOG.info("caches synced server={} profiles={} nodes={}", conn.server(), scheduler.profiles().keySet(),
                scheduler.cache().nodeCount());
        SchedulerConfiguration.LeaderElection le = config.leaderElection();
        boolean elect = options.leaderElect() != null ? options.leaderElect() : le.leaderElect();
        if (!elect) {
            server.leading = true;
            server.loop.start();
            return server;
        }
        String ns = options.leaseNamespace() != null ? options.leaseNamespace() : le.resourceNamespace();
        String name = options.leaseName() != null ? options.leaseName() : le.resourceName();
        String identity = instance + "_" + ProcessHandle.current().pid() + "_" + UUID.randomUUID().toString().substring(0, 8);
        server.lock = new LeaseLock(conn, ns, name, identity);
        server.elector = new LeaderElector(new LeaderElectionConfig(server.lock, le.leaseDuration(), le.renewDeadline(),
                le.retryPeriod()));
        LOG.info("waiting for the lease lease={}/{} identity={}", ns, name, identity);
        Thread.ofPlatform().name("berth-leader-election").daemon().start(() -> server.elector.run(() -> {
            LOG.info("became leader lease={}/{} identity={}", ns, name, identity);
            server.leading = true;
            server.loop.start();
        }, () -> {
            if (server.closing || !server.leading) {
                return;
            }
            // Another replica may be scheduling now: stop at once, as kube-scheduler does.
            LOG.error("lost the lease, stopping lease={}/{} identity={}", ns, name, identity);
            server.leading = false;
            server.scheduler.close();
            server.done.countDown();
            if (options.onLostLease() != null) {
                options.onLostLease().run();
            }
        }));
        return server;
    }

    /** Whether this replica holds the lease (always, without leader election). */
    public boolean isLeader() {
        return leading;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Blocks until scheduling ends: after {@link #close()}, or when the lease is lost. */
    public void awaitTermination() throws InterruptedException {
        done.await();
    }

    /** Stops taking pods, lets binds in flight finish (up to 30 s), releases the lease, closes the watches. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        scheduler.close();
        try {
            scheduler.awaitBinds(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (elector != null) {
            elector.close();
            lock.release();
        }
        nodes.close();
        pods.close();
        events.close();
        if (health != null) {
            health.close();
        }
        done.countDown();
        leading = false;
    }

    /** The port /healthz, /readyz and /metrics are served on, or -1. */
    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    private static SchedulerMetrics exporting(Metrics m) {
        return new SchedulerMetrics() {
            @Override
            public void attempt(String profile, String result, long nanos) {
                m.recordAttempt(profile, result, nanos);
            }

            @Override
            public void algorithm(long nanos) {
                m.recordAlgorithm(nanos);
            }

            @Override
            public void extensionPoint(ExtensionPoint point, Code status, String profile, long nanos) {
                m.recordExtensionPoint(point, status, profile, nanos);
            }

            @Override
            public void plugin(String plugin, ExtensionPoint point, Code status, long nanos) {
                m.recordPlugin(plugin, point, status, nanos);
            }
        };
    }
}
