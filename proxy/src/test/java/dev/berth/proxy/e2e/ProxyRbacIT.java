package dev.berth.proxy.e2e;

import static dev.berth.proxy.e2e.NodeNetwork.NODE_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.kube.ApiException;
import dev.berth.kube.testing.ControlPlane;
import dev.berth.proxy.rules.ChainNames;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/proxy's RBAC is sufficient and minimal: berth-proxy's own {@code Main}, run in a node namespace with a
 * token user bound to exactly those roles, reads its Node and turns a Service and its EndpointSlice into rules;
 * every rule of the role is used by a call it made, and every call it made is covered by a rule (or is API
 * discovery, which every authenticated user may read).
 */
class ProxyRbacIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Non-resource discovery paths, granted to all authenticated users by the default system:discovery role. */
    private static final Pattern DISCOVERY = Pattern.compile(
            "GET /(version|api(/[^/?]+)?|apis(/[^/?]+){0,2})(\\?.*)?");
    /** A resource request: group (empty for core), resource, name and subresource. */
    private static final Pattern RESOURCE = Pattern.compile(
            "(GET|POST|PUT|PATCH|DELETE) /(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+)?/([a-z]+)"
                    + "(?:/([^/?]+))?(?:/([a-z]+))?(\\?.*)?");

    private static ControlPlane cp;
    private static DeployedRbac rbac;
    private static NodeNetwork net;
    private static ProxyProcess proxy;
    private static Path calls;
    /** The prefix of every namespace this class made, set as soon as the first one exists. */
    private static String namespacePrefix;
    private static final Deque<String> created = new ArrayDeque<>();

    @BeforeAll
    static void start() throws Exception {
        cp = ControlPlane.shared();
        rbac = DeployedRbac.grant(cp);
        var apiPort = URI.create(Files.readString(cp.dir.resolve("server")).strip()).getPort();
        net = NodeNetwork.create(apiPort);
        namespacePrefix = net.namespacePrefix();
        calls = Files.createTempFile("berth-rbac-calls-", ".txt");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            try {
                while (!created.isEmpty()) {
                    try {
                        cp.admin.delete(created.pop());
                    } catch (ApiException e) {
                        if (!e.isNotFound()) {
                            throw e;
                        }
                    }
                }
            } finally {
                try {
                    if (rbac != null) {
                        rbac.close();
                    }
                } finally {
                    if (net != null) {
                        net.close();
                    }
                    if (calls != null) {
                        Files.deleteIfExists(calls);
                    }
                    var left = NetworkNamespace.run(List.of("ip", "netns", "list")).lines()
                            .map(l -> l.split(" ")[0])
                    .filter(n -> namespacePrefix != null && n.startsWith(namespacePrefix)).toList();
                    assertEquals(List.of(), left, "namespaces left behind");
                }
            }
        }
    }

    @Test
    void theDeployedRoleIsSufficientAndMinimal() throws Exception {
        var node = NodeNetwork.PREFIX + net.run;
        create("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"},
                 "status":{"addresses":[{"type":"InternalIP","address":"%s"}]}}""".formatted(node, NODE_IP));
        proxy = ProxyProcess.start(net.node, List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                classpath(), ObservedMain.class.getName(), calls.toString(),
                "--kubeconfig", cp.kubeconfig("proxy").toString(), "--hostname-override", node,
                "--cluster-cidr", NodeNetwork.CLUSTER_CIDR, "--min-sync-period", "100ms"));

        var service = "rbac-" + net.run;
        create("/api/v1/namespaces/default/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s"},
                 "spec":{"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}""".formatted(service));
        create("/apis/discovery.k8s.io/v1beta1/namespaces/default/endpointslices", """
                {"apiVersion":"discovery.k8s.io/v1beta1","kind":"EndpointSlice",
                 "metadata":{"name":"%s-1","labels":{"kubernetes.io/service-name":"%s"}},
                 "addressType":"IPv4",
                 "endpoints":[{"addresses":["10.244.0.11"],"conditions":{"ready":true},
                               "topology":{"kubernetes.io/hostname":"%s"}}],
                 "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}""".formatted(service, service, node));
        var sep = ChainNames.endpointChain("default/" + service + ":http", "tcp", "10.244.0.11:8080");
        await("the service's endpoint chain in the node's nat table",
                () -> net.node.exec("iptables-save", "-t", "nat").contains("-A " + sep + " "));

        var granted = granted();
        await("every granted permission used", () -> resourceCalls().equals(granted));
        assertEquals(granted, resourceCalls(), "granted (left) and used (right) must be the same set: granted but "
                + "unused rules make the role wider than needed; used but not granted would have failed");
        for (var call : calls()) {
            assertTrue(RESOURCE.matcher(call).matches() || DISCOVERY.matcher(call).matches(),
                    "a call that is neither a resource request nor discovery: " + call);
        }
        assertTrue(proxy.isAlive(), proxy.logTail());
        assertFalse(proxy.log().contains("HTTP 403"), "a request was forbidden:\n" + proxy.logTail());
    }

    @Test
    void theManifestsPassServerSideDryRun() throws Exception {
        var kubectl = Path.of(System.getProperty("user.home"), ".cache/berth/kubernetes-1.20.2/bin/kubectl");
        var p = new ProcessBuilder(kubectl.toString(), "--kubeconfig", cp.adminKubeconfig.toString(), "apply",
                "--dry-run=server", "-f", DeployedRbac.DEPLOY.toString()).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        for (var object : List.of("serviceaccount/berth-proxy", "clusterrole.rbac.authorization.k8s.io/berth-proxy",
                "clusterrolebinding.rbac.authorization.k8s.io/berth-proxy", "configmap/berth-proxy",
                "daemonset.apps/berth-proxy")) {
            assertTrue(out.contains(object + " created (server dry run)")
                    || out.contains(object + " configured (server dry run)")
                    || out.contains(object + " unchanged (server dry run)"), object + " in:\n" + out);
        }
    }

    /** "verb group/resource" for each verb and resource of the deployed ClusterRole. */
    private static Set<String> granted() throws IOException {
        var out = new TreeSet<String>();
        for (var doc : DeployedRbac.documents()) {
            for (var rule : doc.path("rules")) {
                for (var group : rule.path("apiGroups")) {
                    for (var resource : rule.path("resources")) {
                        for (var verb : rule.path("verbs")) {
                            out.add(verb.asText() + " " + group.asText() + "/" + resource.asText());
                        }
                    }
                }
            }
        }
        return out;
    }

    private static List<String> calls() throws IOException {
        return Files.readAllLines(calls).stream().filter(l -> !l.isBlank()).distinct().toList();
    }

    /** The proxy's resource requests as "verb group/resource", the way the API server authorizes them. */
    private static Set<String> resourceCalls() throws IOException {
        var out = new TreeSet<String>();
        for (var call : calls()) {
            var m = RESOURCE.matcher(call);
            if (DISCOVERY.matcher(call).matches() || !m.matches()) {
                continue;
            }
            var group = m.group(2) == null ? "" : m.group(2);
            var name = m.group(4);
            var sub = m.group(5);
            var query = m.group(6) == null ? "" : m.group(6);
            var verb = switch (m.group(1)) {
                case "GET" -> name != null ? "get" : query.matches(".*[?&]watch=(1|true)(&.*)?") ? "watch" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                default -> "delete";
            };
            out.add(verb + " " + group + "/" + m.group(3) + (sub == null ? "" : "/" + sub));
        }
        return out;
    }

    private static void create(String collection, String json) throws Exception {
        var object = cp.create(collection, json);
        created.push(collection + "/" + object.path("metadata").path("name").asText());
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElseThrow(() ->
                new IllegalStateException("cannot tell which java runs this test"));
    }

    /** The test JVM's class path (failsafe may hide it behind a manifest-only jar). */
    private static String classpath() {
        var cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + "s waiting for: " + what
                        + "\ncalls: " + calls() + "\nproxy log:\n" + (proxy == null ? "" : proxy.logTail()));
            }
            Thread.sleep(200);
        }
    }
}
