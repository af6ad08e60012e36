package dev.berth.scheduler.cluster;

import dev.berth.kube.testing.ControlPlane;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.berth.kube.testing.ControlPlane.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * berth-scheduler against a real kube-apiserver and etcd: one scheduler with two profiles, four fake
 * nodes (no kubelet; their status carries capacity), pods created through the API.
 */
class ClusterSchedulerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ControlPlane cp;
    private static SchedulerServer server;
    private static String ns;
    private static final String P = "csit-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static final List<String> NODES = List.of(P + "small", P + "big", P + "tainted", P + "pref");

    @BeforeAll
    static void start() throws Exception {
        cp = ControlPlane.shared();
        ns = P + "ns";
        cp.namespace(ns);
        node(NODES.get(0), "2", "zone: a, disk: ssd", "");
        node(NODES.get(1), "8", "zone: b, disk: hdd", "");
        node(NODES.get(2), "8", "zone: c", "taints: [{key: dedicated, value: gpu, effect: NoSchedule}]");
        node(NODES.get(3), "8", "zone: c", "taints: [{key: soft, value: 'yes', effect: PreferNoSchedule}]");
        Path config = Files.createTempFile("berth-it-config", ".yaml");
        config.toFile().deleteOnExit();
        Files.writeString(config, """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: berth-a
                - schedulerName: berth-b
                  pluginConfig:
                  - name: NodeResourcesFit
                    args: {scoringStrategy: {type: MostAllocated}}
                """);
        server = SchedulerServer.start(new SchedulerServer.Options(config, cp.adminKubeconfig.toString(), List.of(),
                false, null, null, null, null, new java.net.InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (String n : NODES) {
            cp.admin.delete("/api/v1/nodes/" + n);
        }
        cp.admin.delete("/api/v1/namespaces/" + ns);
    }

    static void node(String name, String cpu, String labels, String spec) throws Exception {
        nodeFor(cp, name, cpu, labels, spec);
    }

    static void nodeFor(ControlPlane cp, String name, String cpu, String labels) throws Exception {
        nodeFor(cp, name, cpu, labels, "");
    }

    /** A fake node: no kubelet, its status says what it has. */
    static void nodeFor(ControlPlane cp, String name, String cpu, String labels, String spec) throws Exception {
        cp.create("/api/v1/nodes", """
                apiVersion: v1
                kind: Node
                metadata: {name: %s, labels: {%s}}
                spec: {%s}
                status:
                  capacity: {cpu: "%s", memory: 16Gi, pods: "20"}
                  allocatable: {cpu: "%s", memory: 16Gi, pods: "20"}
                """.formatted(name, labels, spec, cpu, cpu));
    }

    static void pod(String name, String scheduler, String cpu, String extraSpec) throws Exception {
        cp.create("/api/v1/namespaces/" + ns + "/pods", """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  schedulerName: %s
                  containers: [{name: c, image: registry.example/app:1, resources: {requests: {cpu: "%s"}}}]
                  %s
                """.formatted(name, scheduler, cpu, extraSpec));
    }

    static String nodeOf(String pod) {
        try {
            return cp.get("/api/v1/namespaces/" + ns + "/pods/" + pod).path("spec").path("nodeName").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    static String awaitBound(String pod) throws InterruptedException {
        eventually(WAIT, pod + " bound", () -> !nodeOf(pod).isEmpty());
        return nodeOf(pod);
    }

    static List<JsonNode> events(String pod) throws Exception {
        var list = cp.get("/apis/events.k8s.io/v1/namespaces/" + ns + "/events");
        return java.util.stream.StreamSupport.stream(list.path("items").spliterator(), false)
                .filter(e -> e.path("regarding").path("name").asText().equals(pod)).toList();
    }

    @Test
    void nodeSelectorPicksTheLabelledNode() throws Exception {
        pod("selector", "berth-a", "100m", "nodeSelector: {disk: ssd}");
        assertEquals(P + "small", awaitBound("selector"));
    }

    @Test
    void requiredAffinityIsHonoured() throws Exception {
        pod("affinity", "berth-a", "100m", """
                affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
                    {matchExpressions: [{key: zone, operator: In, values: [b]}]}]}}}""");
        assertEquals(P + "big", awaitBound("affinity"));
    }

    @Test
    void aTolerationOpensTheTaintedNodeAndPreferNoScheduleSteersAway() throws Exception {
        pod("tolerates", "berth-a", "100m", """
                nodeSelector: {zone: c}
                  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]""");
        assertEquals(P + "tainted", awaitBound("tolerates"), "the PreferNoSchedule node scores lower");
    }

    @Test
    void existsWithAnEmptyKeyToleratesEverything() throws Exception {
        pod("tolerates-all", "berth-a", "100m", """
                nodeSelector: {zone: c}
                  tolerations: [{operator: Exists}]""");
        assertTrue(Set.of(P + "tainted", P + "pref").contains(awaitBound("tolerates-all")));
    }

    @Test
    void preferredAffinityWins() throws Exception {
        pod("prefers", "berth-a", "100m", """
                affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [
                    {weight: 100, preference: {matchExpressions: [{key: disk, operator: In, values: [hdd]}]}}]}}""");
        assertEquals(P + "big", awaitBound("prefers"));
    }

    @Test
    void anUnschedulablePodGetsTheFailedSchedulingEventAndCondition() throws Exception {
        pod("huge", "berth-a", "100", "");
        String expected = "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient cpu.";
        eventually(WAIT, "FailedScheduling event", () -> {
            try {
                return events("huge").stream().anyMatch(e -> e.path("reason").asText().equals("FailedScheduling")
                        && e.path("note").asText().equals(expected) && e.path("type").asText().equals("Warning")
                        && e.path("reportingController").asText().equals("berth-a"));
            } catch (Exception e) {
                return false;
            }
        });
        eventually(WAIT, "PodScheduled=False", () -> {
            try {
                for (JsonNode c : cp.get("/api/v1/namespaces/" + ns + "/pods/huge").path("status").path("conditions")) {
                    if (c.path("type").asText().equals("PodScheduled")) {
                        return c.path("status").asText().equals("False") && c.path("reason").asText().equals("Unschedulable")
                                && c.path("message").asText().equals(expected);
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("", nodeOf("huge"));
    }

    @Test
    void podsBoundByAnotherSchedulerCountAndTheirDeletionFreesRoom() throws Exception {
        // "Another scheduler" placed this one: it names its node directly.
        cp.create("/api/v1/namespaces/" + ns + "/pods", """
                apiVersion: v1
                kind: Pod
                metadata: {name: hog}
                spec:
                  nodeName: %s
                  containers: [{name: c, image: registry.example/app:1, resources: {requests: {cpu: "7500m"}}}]
                """.formatted(P + "big"));
        pod("waits", "berth-a", "1", """
                nodeSelector: {zone: b}""");
        eventually(WAIT, "waits reported unschedulable", () -> {
            try {
                return events("waits").stream().anyMatch(e -> e.path("note").asText().contains("Insufficient cpu"));
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("", nodeOf("waits"));
        // No kubelet confirms a graceful deletion here: delete at once.
        cp.admin.delete("/api/v1/namespaces/" + ns + "/pods/hog?gracePeriodSeconds=0");
        assertEquals(P + "big", awaitBound("waits"));
    }

    @Test
    void eachProfileSchedulesItsOwnPodsAndReportsUnderItsName() throws Exception {
        pod("by-b", "berth-b", "100m", "nodeSelector: {disk: ssd}");
        assertEquals(P + "small", awaitBound("by-b"));
        eventually(WAIT, "Scheduled event from berth-b", () -> {
            try {
                return events("by-b").stream().anyMatch(e -> e.path("reason").asText().equals("Scheduled")
                        && e.path("reportingController").asText().equals("berth-b")
                        && e.path("note").asText().equals("Successfully assigned " + ns + "/by-b to " + P + "small"));
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void healthReadinessAndMetricsAreServed() throws Exception {
        pod("metered", "berth-a", "100m", "");
        awaitBound("metered");
        var http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.healthPort();
        for (String path : List.of("/healthz", "/readyz")) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
            assertEquals("ok", r.body().strip(), path);
        }
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("scheduler_schedule_attempts_total{profile=\"berth-a\",result=\"scheduled\"}"), metrics);
        assertTrue(metrics.contains("scheduler_pending_pods{queue=\"active\"}"), metrics);
        assertTrue(metrics.contains("scheduler_framework_extension_point_duration_seconds_bucket{extension_point=\"Bind\""), metrics);
        assertTrue(metrics.contains("scheduler_scheduling_attempt_duration_seconds_count"), metrics);
    }

    @Test
    void aPodForAnotherSchedulerIsLeftAlone() throws Exception {
        pod("foreign", "someone-else", "100m", "");
        pod("marker", "berth-a", "100m", "");
        awaitBound("marker");
        // The marker was created after the foreign pod and is already bound: the scheduler saw both.
        assertEquals("", nodeOf("foreign"));
        assertTrue(events("foreign").isEmpty());
    }
}
