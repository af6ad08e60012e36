package dev.berth.proxy.e2e;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's network, built from namespaces this test owns (all named {@code berth-e2e-<run>-*}):
 * <pre>
 *   client ns             node ns                                   pod ns (one per pod)
 *   eth0 203.0.113.2 ---- eth0 203.0.113.1 (the node's InternalIP)
 *                          cbr0 10.244.0.1/24 (bridge) ---- v-NAME ---- eth0 10.244.0.x, default via 10.244.0.1
 *                          127.0.0.1:API → Unix socket → host's API server
 * </pre>
 * The client routes the service CIDR to the node; the node's default route points back at the client, as a node's
 * points at its upstream network, so a service IP without endpoints is forwarded and meets the REJECT in FORWARD.
 * {@link #close()} removes every namespace (and with them every link, route, rule and sysctl) and the forwarder.
 */
final class NodeNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeNetwork.class);

    static final String PREFIX = "berth-e2e-";
    static final String NODE_IP = "203.0.113.1";
    static final String CLIENT_IP = "203.0.113.2";
    static final String BRIDGE_IP = "10.244.0.1";
    static final String POD_CIDR = "10.244.0.0/24";
    static final String CLUSTER_CIDR = "10.244.0.0/16";
    /** The test API server's --service-cluster-ip-range. */
    static final String SERVICE_CIDR = "10.96.0.0/16";

    /** A pod: its namespace, address and HTTP server. */
    record Pod(String name, String ip, NetworkNamespace ns, PodServer server) {}

    final String run;
    final NetworkNamespace node;
    final NetworkNamespace client;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private ApiForwarder forwarder;

    private NodeNetwork(String run, NetworkNamespace node, NetworkNamespace client) {
        this.run = run;
        this.node = node;
        this.client = client;
    }

    /**
     * Builds the node and client namespaces and, if {@code apiPort > 0}, forwards the API server into the node.
     * On failure everything made so far is removed.
     */
    static NodeNetwork create(int apiPort) throws Exception {
        var run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        var node = NetworkNamespace.add(PREFIX + run + "-node");
        NodeNetwork network = null;
        try {
            var client = NetworkNamespace.add(PREFIX + run + "-client");
            network = new NodeNetwork(run, node, client);
            network.wire();
            if (apiPort > 0) {
                network.forwarder = ApiForwarder.start(node, apiPort);
            }
            return network;
        } catch (Exception e) {
            if (network != null) {
                network.close();
            } else {
                node.close();
            }
            throw e;
        }
    }

    private void wire() throws Exception {
        node.sysctl("net.ipv4.ip_forward", "1");
        node.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", client.name);
        node.ip("addr", "add", NODE_IP + "/24", "dev", "eth0");
        node.ip("link", "set", "eth0", "up");
        node.ip("route", "add", "default", "via", CLIENT_IP);
        client.ip("addr", "add", CLIENT_IP + "/24", "dev", "eth0");
        client.ip("link", "set", "eth0", "up");
        client.ip("route", "add", SERVICE_CIDR, "via", NODE_IP);

        node.ip("link", "add", "cbr0", "type", "bridge");
        node.ip("addr", "add", BRIDGE_IP + "/24", "dev", "cbr0");
        node.ip("link", "set", "cbr0", "up");
    }

    /** Adds a pod on the bridge at {@code ip} (in {@link #POD_CIDR}) serving HTTP on {@link PodServer#PORT}. */
    Pod addPod(String name, String ip) throws Exception {
        var ns = NetworkNamespace.add(PREFIX + run + "-pod-" + name);
        try {
            var hostSide = "v-" + name;
            node.ip("link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns.name);
            node.ip("link", "set", hostSide, "master", "cbr0", "up");
            ns.ip("addr", "add", ip + "/24", "dev", "eth0");
            ns.ip("link", "set", "eth0", "up");
            ns.ip("route", "add", "default", "via", BRIDGE_IP);
            var pod = new Pod(name, ip, ns, PodServer.start(ns, name));
            pods.put(name, pod);
            return pod;
        } catch (Exception e) {
            ns.close();
            throw e;
        }
    }

    Pod pod(String name) {
        return pods.get(name);
    }

    /** The prefix shared by every namespace this network makes. */
    String namespacePrefix() {
        return PREFIX + run + "-";
    }

    @Override
    public void close() throws Exception {
        var errors = new ArrayList<Exception>();
        if (forwarder != null) {
            try {
                forwarder.close();
            } catch (Exception e) {
                errors.add(e);
            }
        }
        for (var pod : pods.values()) {
            pod.server().close();
            try {
                pod.ns().close();
            } catch (Exception e) {
                errors.add(e);
            }
        }
        for (var ns : List.of(client, node)) {
            try {
                ns.close();
            } catch (Exception e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            var first = errors.getFirst();
            errors.stream().skip(1).forEach(first::addSuppressed);
            LOG.error("tearing down the e2e network {} failed: {}", run, first.toString());
            throw first;
        }
    }
}
