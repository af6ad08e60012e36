package dev.berth.proxy;

import dev.berth.kube.ApiException;
import dev.berth.kube.KubeConnection;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.sync.Iptables;
import dev.berth.proxy.sync.IptablesSyncer;
import dev.berth.proxy.sync.RouteLocalnet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code berth-proxy} binary: watches Services and EndpointSlices and keeps the node's iptables rules in
 * kube-proxy's layout, or, with {@code --cleanup}, removes them and exits.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final String AOT_CACHE_OUTPUT = "-XX:AOTCacheOutput=";

    private Main() {
    }

    public static void main(String[] args) {
        Flags flags;
        try {
            flags = Flags.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("berth-proxy: " + e.getMessage());
            exit(2);
            return;
        }
        try {
            exit(run(flags));
        } catch (Exception e) {
            LOG.error("berth-proxy failed: {}", e.getMessage(), e);
            exit(1);
        }
    }

    private static void exit(int code) {
        if (code != 0) {
            discardAotTraining();
        }
        System.exit(code);
    }

    /**
     * A run that fails saw only part of the proxy; if it is the launcher's AOT training run ({@code bin/lib/aot.sh}),
     * the cache the JVM writes at exit would make later starts slower than a full one: mark it for the launcher to
     * delete and train again.
     */
    static void discardAotTraining() {
        for (var arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith(AOT_CACHE_OUTPUT)) {
                var marker = Path.of(arg.substring(AOT_CACHE_OUTPUT.length()) + ".discard");
                try {
                    Files.writeString(marker, "the training run failed\n");
                } catch (IOException | RuntimeException e) {
                    LOG.debug("cannot mark the AOT training for discarding marker={} error=\"{}\"", marker, e.toString());
                }
            }
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
        RouteLocalnet.ensure(config);
        LOG.info("starting berth-proxy node={} nodeIPs={} backend={} clusterCIDR={} masqueradeAll={} minSyncPeriod={} "
                        + "syncPeriod={}", nodeName, nodeIPs, syncer.detectBackend().label(), flags.clusterCIDR(),
                flags.masqueradeAll(), flags.minSyncPeriod(), flags.syncPeriod());

        var server = ProxyServer.start(conn, iptables, syncer, flags, null);
        var done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            done.countDown();
        }));
        done.await();
        return 0;
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
