package dev.berth.proxy.e2e;

import static dev.berth.proxy.e2e.NodeNetwork.BRIDGE_IP;
import static dev.berth.proxy.e2e.NodeNetwork.CLIENT_IP;
import static dev.berth.proxy.e2e.NodeNetwork.NODE_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.kube.ApiException;
import dev.berth.kube.testing.ControlPlane;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * berth-proxy end to end: the real {@code bin/berth-proxy} runs in a node namespace against the test API server
 * (reached through a Unix socket, with deploy/proxy's RBAC), pods on the node's bridge serve HTTP, and a client
 * namespace sends real traffic to the Services and EndpointSlices the test creates through the API.
 * Each test uses its own Service; the last one stops the proxy and runs {@code --cleanup}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceTrafficE2EIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String API_NAMESPACE = "default";

    /** Rules other owners keep on the node: they must survive the proxy and its cleanup untouched. */
    private static final String NODE_OWN_RULES = """
            *filter
            :KUBE-FIREWALL - [0:0]
            :OTHER-FW - [0:0]
            -A INPUT -j KUBE-FIREWALL
            -A INPUT -s 198.51.100.0/24 -j OTHER-FW
            -A OUTPUT -j KUBE-FIREWALL
            -A KUBE-FIREWALL -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
            -A OTHER-FW -p tcp -m tcp --dport 22 -j ACCEPT
            COMMIT
            *nat
            :OTHER-NAT - [0:0]
            -A POSTROUTING -o eth9 -j OTHER-NAT
            -A OTHER-NAT -j MASQUERADE
            COMMIT
            *mangle
            -A PREROUTING -p udp -m udp --dport 4789 -j MARK --set-xmark 0x100/0x100
            COMMIT
            """;

    private static ControlPlane cp;
    private static DeployedRbac rbac;
    private static NodeNetwork net;
    private static ProxyProcess proxy;
    private static String nodeName;
    private static String hostIptablesBefore;
    private static String nodeIptablesBefore;
    /** The prefix of every namespace this class made, set as soon as the first one exists. */
    private static String namespacePrefix;
    private static final Deque<String> created = new ArrayDeque<>();

    @BeforeAll
    static void start() throws Exception {
        hostIptablesBefore = NetworkNamespace.normalise(NetworkNamespace.run(List.of("iptables-save")));
        cp = ControlPlane.shared();
        rbac = DeployedRbac.grant(cp);
        var apiPort = URI.create(Files.readString(cp.dir.resolve("server")).strip()).getPort();
        net = NodeNetwork.create(apiPort);
        namespacePrefix = net.namespacePrefix();
        var pods = List.of("a", "b", "c", "d");
        for (int i = 0; i < pods.size(); i++) {
            net.addPod(pods.get(i), "10.244.0." + (11 + i));
        }
        restore(NODE_OWN_RULES);
        nodeIptablesBefore = net.node.iptablesSave();

        nodeName = NodeNetwork.PREFIX + net.run;
        create("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":{"kubernetes.io/hostname":"%s"}},
                 "status":{"addresses":[{"type":"InternalIP","address":"%s"},{"type":"Hostname","address":"%s"}]}}"""
                .formatted(nodeName, nodeName, NODE_IP, nodeName));
        proxy = ProxyProcess.launcher(net.node, List.of("--kubeconfig", cp.kubeconfig("proxy").toString(),
                "--hostname-override", nodeName, "--cluster-cidr", NodeNetwork.CLUSTER_CIDR,
                "--min-sync-period", "100ms"));
    }

    private static void restore(String rules) throws Exception {
        var p = new ProcessBuilder("ip", "netns", "exec", net.node.name, "iptables-restore", "--noflush")
                .redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(rules.getBytes());
        }
        var out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "restoring the node's own rules: " + out);
    }

    @AfterAll
    static void stop() throws Exception {
        var errors = new ArrayList<Throwable>();
        Runnable[] steps = {
            () -> attempt(errors, () -> {
                if (proxy != null) {
                    proxy.close();
                }
            }),
            () -> {
                while (!created.isEmpty()) {
                    var path = created.pop();
                    attempt(errors, () -> delete(path));
                }
            },
            () -> attempt(errors, () -> {
                if (rbac != null) {
                    rbac.close();
                }
            }),
            () -> attempt(errors, () -> {
                if (net != null) {
                    net.close();
                }
            }),
        };
        for (var step : steps) {
            step.run();
        }
        // Nothing outside the test's namespaces changed, and none of them is left.
        attempt(errors, () -> {
            var left = NetworkNamespace.run(List.of("ip", "netns", "list")).lines()
                    .map(l -> l.split(" ")[0])
                    .filter(n -> namespacePrefix != null && n.startsWith(namespacePrefix)).toList();
            assertEquals(List.of(), left, "namespaces left behind");
            assertEquals(hostIptablesBefore, NetworkNamespace.normalise(NetworkNamespace.run(List.of("iptables-save"))),
                    "the host's iptables changed");
        });
        if (!errors.isEmpty()) {
            var first = new AssertionError("teardown failed: " + errors.getFirst(), errors.getFirst());
            errors.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<Throwable> errors, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            errors.add(e);
        }
    }

    @Test
    @Order(1)
    void clusterIpTrafficReachesEveryReadyEndpointAndSpreadsAcrossThem() throws Exception {
        var svc = service("spread", "ClusterIP", "");
        // d serves too, but its endpoint is not ready: it must get nothing.
        slice("spread", endpoint("a", true), endpoint("b", true), endpoint("c", true), endpoint("d", false));
        var ip = clusterIP(svc);
        await("the service answers", () -> HttpProbe.get(net.client, ip, 80) instanceof HttpProbe.Answer);

        var hits = hits(ip, 80, 60);
        assertEquals(List.of("a", "b", "c"), List.copyOf(hits.keySet()), "pods hit in 60 requests: " + hits);
        // The client is outside --cluster-cidr: traffic to a cluster IP from there is masqueraded.
        assertEquals(BRIDGE_IP, ((HttpProbe.Answer) HttpProbe.get(net.client, ip, 80)).source());
    }

    @Test
    @Order(2)
    void nodePortWorksFromAnotherNamespace() throws Exception {
        var svc = service("nodeport", "NodePort", "");
        slice("nodeport", endpoint("b", true));
        var port = nodePort(svc);
        var answer = awaitAnswer("the node port answers", () -> HttpProbe.get(net.client, NODE_IP, port));
        assertEquals("b", answer.pod());
    }

    @Test
    @Order(2)
    void nodePortOnLocalhostAnswersOnTheNodeItself() throws Exception {
        var svc = service("localhost", "NodePort", "");
        slice("localhost", endpoint("a", true));
        var port = nodePort(svc);
        // kube-proxy's --iptables-localhost-nodeports (on by default): it sets route_localnet for this.
        var answer = awaitAnswer("the node port answers on 127.0.0.1 in the node",
                () -> HttpProbe.get(net.node, "127.0.0.1", port));
        assertEquals("a", answer.pod());
    }

    @Test
    @Order(3)
    void clientIpAffinitySticksToOneEndpoint() throws Exception {
        var svc = service("sticky", "ClusterIP", """
                ,"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}}""");
        slice("sticky", endpoint("a", true), endpoint("b", true), endpoint("c", true));
        var ip = clusterIP(svc);
        await("the service answers", () -> HttpProbe.get(net.client, ip, 80) instanceof HttpProbe.Answer);

        var hits = hits(ip, 80, 30);
        assertEquals(1, hits.size(), "one client address, one endpoint: " + hits);
    }

    @Test
    @Order(4)
    void removingAnEndpointFromTheSliceStopsTrafficToIt() throws Exception {
        var svc = service("shrink", "ClusterIP", "");
        var slicePath = slice("shrink", endpoint("a", true), endpoint("b", true), endpoint("c", true));
        var ip = clusterIP(svc);
        await("c answers", () -> "c".equals(pod(HttpProbe.get(net.client, ip, 80))));

        var slice = (ObjectNode) cp.get(slicePath);
        var endpoints = (ArrayNode) slice.path("endpoints");
        endpoints.remove(2);
        cp.admin.put(slicePath, slice);
        await("30 requests in a row miss c", () -> !hits(ip, 80, 30).containsKey("c"));
        var hits = hits(ip, 80, 30);
        assertEquals(List.of("a", "b"), List.copyOf(hits.keySet()), "after c left the slice: " + hits);
    }

    @Test
    @Order(5)
    void localTrafficPolicyKeepsTheClientAddressWhileClusterMasquerades() throws Exception {
        var local = service("local", "NodePort", ",\"externalTrafficPolicy\":\"Local\"");
        slice("local", endpoint("c", true));
        var cluster = service("cluster", "NodePort", ",\"externalTrafficPolicy\":\"Cluster\"");
        slice("cluster", endpoint("c", true));

        var viaLocal = awaitAnswer("the Local node port answers", () -> HttpProbe.get(net.client, NODE_IP, nodePort(local)));
        assertEquals(new HttpProbe.Answer("c", CLIENT_IP), viaLocal, "Local: the pod sees the client's own address");
        var viaCluster = awaitAnswer("the Cluster node port answers",
                () -> HttpProbe.get(net.client, NODE_IP, nodePort(cluster)));
        // KUBE-POSTROUTING masquerades to the address of the interface towards the pod: the node's bridge.
        assertEquals(new HttpProbe.Answer("c", BRIDGE_IP), viaCluster, "Cluster: the node masquerades");
    }

    @Test
    @Order(6)
    void aServiceWithoutEndpointsIsRefusedAtOnce() throws Exception {
        var svc = service("empty", "ClusterIP", "");
        var ip = clusterIP(svc);
        await("the empty service refuses", () -> HttpProbe.get(net.client, ip, 80) instanceof HttpProbe.Refused);
        // Refused, not dropped: a client learns it at once instead of waiting out its timeout.
        assertInstanceOf(HttpProbe.Refused.class, HttpProbe.get(net.client, ip, 80));
    }

    @Test
    @Order(100)
    void cleanupLeavesTheNodeTablesAsTheyWereBeforeTheProxy() throws Exception {
        assertTrue(proxy.isAlive(), "the proxy ran until now:\n" + proxy.logTail());
        proxy.stop();
        assertTrue(net.node.iptablesSave().contains(":KUBE-SERVICES"), "the proxy wrote its chains");

        var cleanup = ProxyProcess.runLauncher(net.node, "--cleanup");
        assertEquals(0, cleanup.exitCode(), cleanup.output());
        assertEquals(nodeIptablesBefore, net.node.iptablesSave(), "iptables-save after --cleanup");
    }

    // Fixtures: API objects (all removed in teardown) and traffic.

    private static JsonNode service(String name, String type, String extraSpec) throws Exception {
        return create("/api/v1/namespaces/" + API_NAMESPACE + "/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s"},
                 "spec":{"type":"%s","ports":[{"name":"http","port":80,"targetPort":%d,"protocol":"TCP"}]%s}}"""
                .formatted(serviceName(name), type, PodServer.PORT, extraSpec));
    }

    private static String serviceName(String name) {
        return "e2e-" + net.run + "-" + name;
    }

    /** An endpoint on this node for pod {@code pod}. */
    private static String endpoint(String pod, boolean ready) {
        return """
                {"addresses":["%s"],"conditions":{"ready":%s},"topology":{"kubernetes.io/hostname":"%s"}}"""
                .formatted(net.pod(pod).ip(), ready, nodeName);
    }

    /** Creates the service's one EndpointSlice (v1beta1, all this API server serves); returns its path. */
    private static String slice(String service, String... endpoints) throws Exception {
        var name = serviceName(service);
        create("/apis/discovery.k8s.io/v1beta1/namespaces/" + API_NAMESPACE + "/endpointslices", """
                {"apiVersion":"discovery.k8s.io/v1beta1","kind":"EndpointSlice",
                 "metadata":{"name":"%s-1","labels":{"kubernetes.io/service-name":"%s"}},
                 "addressType":"IPv4","endpoints":[%s],
                 "ports":[{"name":"http","port":%d,"protocol":"TCP"}]}"""
                .formatted(name, name, String.join(",", endpoints), PodServer.PORT));
        return "/apis/discovery.k8s.io/v1beta1/namespaces/" + API_NAMESPACE + "/endpointslices/" + name + "-1";
    }

    private static JsonNode create(String collection, String json) throws Exception {
        var object = cp.create(collection, json);
        created.push(collection + "/" + object.path("metadata").path("name").asText());
        return object;
    }

    private static void delete(String path) throws ApiException {
        try {
            cp.admin.delete(path);
        } catch (ApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    private static String clusterIP(JsonNode service) {
        return service.path("spec").path("clusterIP").asText();
    }

    private static int nodePort(JsonNode service) {
        return service.path("spec").path("ports").get(0).path("nodePort").asInt();
    }

    private static String pod(HttpProbe probe) {
        return probe instanceof HttpProbe.Answer answer ? answer.pod() : null;
    }

    /** Sends {@code n} requests from the client; every one must be answered. Returns the hits per pod, sorted. */
    private static Map<String, Integer> hits(String ip, int port, int n) throws Exception {
        var out = new TreeMap<String, Integer>();
        for (int i = 0; i < n; i++) {
            var probe = HttpProbe.get(net.client, ip, port);
            if (!(probe instanceof HttpProbe.Answer answer)) {
                throw new AssertionError("request " + i + " to " + ip + ":" + port + " got " + probe
                        + "\nproxy log:\n" + proxy.logTail());
            }
            out.merge(answer.pod(), 1, Integer::sum);
        }
        return out;
    }

    /** Polls until {@code condition} holds; the proxy's log goes into the failure. */
    private static void await(String what, Callable<Boolean> condition) throws Exception {
        await(what, condition, () -> "");
    }

    private static void await(String what, Callable<Boolean> condition, Supplier<String> detail) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + "s waiting for: " + what
                        + detail.get() + "\nproxy log:\n" + proxy.logTail());
            }
            Thread.sleep(200);
        }
    }

    /** Polls until the probe is answered and returns the answer. */
    private static HttpProbe.Answer awaitAnswer(String what, ProbeCall probe) throws Exception {
        var last = new HttpProbe[1];
        await(what, () -> (last[0] = probe.call()) instanceof HttpProbe.Answer, () -> " (last: " + last[0] + ")");
        return (HttpProbe.Answer) last[0];
    }

    private interface ProbeCall {
        HttpProbe call() throws Exception;
    }
}
