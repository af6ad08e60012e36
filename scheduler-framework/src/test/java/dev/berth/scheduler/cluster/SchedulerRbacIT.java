package dev.berth.scheduler.cluster;

import dev.berth.kube.testing.ControlPlane;
import dev.berth.kube.KubeConnection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.berth.kube.testing.ControlPlane.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/scheduler's RBAC is sufficient and minimal: berth-scheduler runs with a token user bound to
 * exactly those roles (leader election on), schedules, reports and leads; and every rule of the roles is
 * used by a call it made, while every call it made is covered by a rule.
 */
class SchedulerRbacIT {
    private static final Path DEPLOY = ControlPlane.repositoryRoot().resolve("deploy/scheduler");
    private static ControlPlane cp;
    private static final String P = "rbac-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static final Set<String> CALLS = ConcurrentHashMap.newKeySet();
    private static final List<String> CREATED = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cp = ControlPlane.shared();
        var yaml = new YAMLMapper();
        try (var parser = yaml.createParser(Files.readString(DEPLOY.resolve("10-rbac.yaml")))) {
            for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
                String kind = doc.path("kind").asText();
                if (kind.endsWith("Binding")) {
                    // The test's token user stands in for the ServiceAccount.
                    ((ObjectNode) doc).set("subjects", yaml.readTree("[{kind: User, name: berth-scheduler, apiGroup: rbac.authorization.k8s.io}]"));
                }
                String path = switch (kind) {
                    case "ClusterRole" -> "/apis/rbac.authorization.k8s.io/v1/clusterroles";
                    case "ClusterRoleBinding" -> "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings";
                    case "Role" -> "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles";
                    case "RoleBinding" -> "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings";
                    default -> throw new IllegalStateException("unexpected kind " + kind);
                };
                cp.admin.post(path, doc);
                CREATED.add(path + "/" + doc.path("metadata").path("name").asText());
            }
        }
        cp.namespace(P + "ns");
        ClusterSchedulerIT.nodeFor(cp, P + "node", "4", "");
        String mine = cp.kubeconfig("scheduler") + " ";
        KubeConnection.requestObserver = call -> {
            if (call.startsWith(mine)) {
                CALLS.add(call.substring(mine.length()));
            }
        };
    }

    @AfterAll
    static void stop() throws Exception {
        KubeConnection.requestObserver = r -> {};
        for (String path : CREATED) {
            cp.admin.delete(path);
        }
        cp.admin.delete("/api/v1/nodes/" + P + "node");
        cp.admin.delete("/api/v1/namespaces/" + P + "ns");
        cp.admin.delete("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/berth-scheduler");
    }

    @Test
    void theDeployedRoleIsSufficientAndMinimal() throws Exception {
        Path config = Files.createTempFile("berth-rbac", ".yaml");
        config.toFile().deleteOnExit();
        Files.writeString(config, """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                leaderElection: {leaderElect: true, leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 1s}
                profiles:
                - schedulerName: berth-scheduler
                """);
        String ns = P + "ns";
        try (SchedulerServer server = SchedulerServer.start(new SchedulerServer.Options(config,
                cp.kubeconfig("scheduler").toString(), List.of(), null, null, null, null))) {
            eventually(Duration.ofSeconds(30), "leadership", server::isLeader);
            cp.create("/api/v1/namespaces/" + ns + "/pods", """
                    {apiVersion: v1, kind: Pod, metadata: {name: fits},
                     spec: {schedulerName: berth-scheduler, containers: [{name: c, image: x, resources: {requests: {cpu: 1}}}]}}""");
            cp.create("/api/v1/namespaces/" + ns + "/pods", """
                    {apiVersion: v1, kind: Pod, metadata: {name: too-big},
                     spec: {schedulerName: berth-scheduler, containers: [{name: c, image: x, resources: {requests: {cpu: 64}}}]}}""");
            eventually(Duration.ofSeconds(30), "fits bound", () -> bound(ns, "fits"));
            eventually(Duration.ofSeconds(30), "too-big condition", () -> conditionSet(ns, "too-big"));
            eventually(Duration.ofSeconds(30), "events written", () -> calls().contains("create events.k8s.io/events"));
        }
        Set<String> granted = granted();
        Set<String> used = calls();
        assertEquals(granted, used, "granted (left) and used (right) must be the same set: granted but unused rules "
                + "make the role wider than needed; used but not granted would have failed");
    }

    /** "verb group/resource" for each verb and resource of the deployed roles. */
    private static Set<String> granted() throws Exception {
        var yaml = new YAMLMapper();
        Set<String> out = new TreeSet<>();
        try (var parser = yaml.createParser(Files.readString(DEPLOY.resolve("10-rbac.yaml")))) {
            for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
                for (JsonNode rule : doc.path("rules")) {
                    for (JsonNode group : rule.path("apiGroups")) {
                        for (JsonNode resource : rule.path("resources")) {
                            for (JsonNode verb : rule.path("verbs")) {
                                out.add(verb.asText() + " " + (group.asText().isEmpty() ? "" : group.asText()) + "/" + resource.asText());
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static final Pattern PATH = Pattern.compile(
            "(GET|POST|PUT|PATCH|DELETE) /(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+)?/([a-z]+)(?:/([^/?]+))?(?:/([a-z]+))?(\\?.*)?");

    /** The scheduler's calls as "verb group/resource", the way the API server authorizes them. */
    private static Set<String> calls() {
        Set<String> out = new TreeSet<>();
        for (String call : CALLS) {
            Matcher m = PATH.matcher(call);
            if (!m.matches()) {
                throw new AssertionError("unrecognised call " + call);
            }
            String method = m.group(1), group = m.group(2) == null ? "" : m.group(2), resource = m.group(3);
            String name = m.group(4), sub = m.group(5), query = m.group(6) == null ? "" : m.group(6);
            String verb = switch (method) {
                case "GET" -> name != null ? "get" : query.contains("watch=1") ? "watch" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                default -> "delete";
            };
            out.add(verb + " " + group + "/" + resource + (sub == null ? "" : "/" + sub));
        }
        return out;
    }

    private static boolean bound(String ns, String pod) {
        try {
            return !cp.get("/api/v1/namespaces/" + ns + "/pods/" + pod).path("spec").path("nodeName").asText("").isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean conditionSet(String ns, String pod) {
        try {
            for (JsonNode c : cp.get("/api/v1/namespaces/" + ns + "/pods/" + pod).path("status").path("conditions")) {
                if (c.path("type").asText().equals("PodScheduled") && c.path("reason").asText().equals("Unschedulable")) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void theManifestsPassServerSideDryRun() throws Exception {
        Path kubectl = Path.of(System.getProperty("user.home"), ".cache/berth/kubernetes-1.20.2/bin/kubectl");
        Process p = new ProcessBuilder(kubectl.toString(), "--kubeconfig", cp.adminKubeconfig.toString(), "apply",
                "--dry-run=server", "-f", DEPLOY.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("deployment.apps/berth-scheduler created (server dry run)"), out);
    }
}
