package dev.berth.scheduler.cluster;

import dev.berth.kube.testing.ControlPlane;
import dev.berth.kube.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.plugins.InTreeRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static dev.berth.kube.testing.ControlPlane.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** berth-scheduler when the API server goes away, and when another party binds a pod first. */
class ResilienceIT {
    private static final String ID = UUID.randomUUID().toString().substring(0, 6);
    private static final String NS = "res-" + ID;
    private static final String A = "res-" + ID + "-a";
    private static final String B = "res-" + ID + "-b";
    private static final String BIG = "res-" + ID + "-big";
    private static ControlPlane cp;
    private static SchedulerServer server;

    /** Binds the pod to the node it was NOT chosen for, through the API, just before our own bind: a lost race. */
    static final class RaceBinder implements Plugin.PreBind {
        public String name() { return "RaceBinder"; }

        public Status preBind(CycleState state, Pod pod, String nodeName) {
            if (!pod.name().startsWith("raced")) {
                return Status.SUCCESS;
            }
            String other = nodeName.equals(A) ? B : A;
            try {
                cp.admin.post("/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name() + "/binding", Map.of(
                        "apiVersion", "v1", "kind", "Binding", "metadata", Map.of("name", pod.name()),
                        "target", Map.of("kind", "Node", "name", other)));
            } catch (ApiException e) {
                return Status.error(e);
            }
            return Status.SUCCESS;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        cp = ControlPlane.shared();
        cp.namespace(NS);
        ClusterSchedulerIT.nodeFor(cp, A, "8", "");
        ClusterSchedulerIT.nodeFor(cp, B, "8", "");
        Path config = Files.createTempFile("berth-res", ".yaml");
        config.toFile().deleteOnExit();
        Files.writeString(config, """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: berth-res-%s
                  plugins: {preBind: {enabled: [{name: RaceBinder}]}}
                """.formatted(ID));
        List<PluginFactory<?>> factories = new ArrayList<>(InTreeRegistry.factories());
        factories.add(PluginFactory.of("RaceBinder", h -> new RaceBinder()));
        server = SchedulerServer.start(new SchedulerServer.Options(config, cp.adminKubeconfig.toString(), List.of(),
                false, null, null, null, PluginRegistry.of(factories)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        cp.admin.delete("/api/v1/nodes/" + A);
        cp.admin.delete("/api/v1/nodes/" + B);
        try {
            cp.admin.delete("/api/v1/nodes/" + BIG);
        } catch (ApiException e) {
            // Only the restart test makes it.
        }
        cp.admin.delete("/api/v1/namespaces/" + NS);
    }

    private static void pod(String name) throws Exception {
        cp.create("/api/v1/namespaces/" + NS + "/pods", """
                {apiVersion: v1, kind: Pod, metadata: {name: %s},
                 spec: {schedulerName: berth-res-%s, containers: [{name: c, image: x, resources: {requests: {cpu: 100m}}}]}}"""
                .formatted(name, ID));
    }

    private static String nodeOf(String pod) {
        try {
            return cp.get("/api/v1/namespaces/" + NS + "/pods/" + pod).path("spec").path("nodeName").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    private static List<JsonNode> events(String pod, String reason) throws Exception {
        return StreamSupport.stream(cp.get("/apis/events.k8s.io/v1/namespaces/" + NS + "/events").path("items").spliterator(), false)
                .filter(e -> e.path("regarding").path("name").asText().equals(pod))
                .filter(e -> e.path("reason").asText().equals(reason)).toList();
    }

    @Test
    void schedulingContinuesAcrossAnApiServerRestart() throws Exception {
        for (int i = 0; i < 5; i++) {
            pod("before-" + i);
        }
        eventually(Duration.ofSeconds(30), "pods before the restart bound", () -> {
            for (int i = 0; i < 5; i++) {
                if (nodeOf("before-" + i).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        // Pending across the restart: fits no node until a bigger one arrives afterwards.
        cp.create("/api/v1/namespaces/" + NS + "/pods", """
                {apiVersion: v1, kind: Pod, metadata: {name: pending-big},
                 spec: {schedulerName: berth-res-%s, containers: [{name: c, image: x, resources: {requests: {cpu: 12}}}]}}"""
                .formatted(ID));
        eventually(Duration.ofSeconds(30), "pending-big reported unschedulable", () -> {
            try {
                return !events("pending-big", "FailedScheduling").isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        cp.restartApiServer();
        for (int i = 0; i < 5; i++) {
            pod("after-" + i);
        }
        ClusterSchedulerIT.nodeFor(cp, BIG, "16", "");
        eventually(Duration.ofSeconds(60), "the pod pending across the restart lands on the new node",
                () -> nodeOf("pending-big").equals(BIG));
        eventually(Duration.ofSeconds(60), "pods after the restart bound (watches reconnected)", () -> {
            for (int i = 0; i < 5; i++) {
                if (nodeOf("after-" + i).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        for (String prefix : List.of("before-", "after-")) {
            for (int i = 0; i < 5; i++) {
                String pod = prefix + i;
                eventually(Duration.ofSeconds(30), pod + " Scheduled event", () -> {
                    try {
                        return events(pod, "Scheduled").size() == 1;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
        assertTrue(server.scheduler().cache().podCount() >= 11, "every bound pod is in the cache after the restart");
    }

    @Test
    void aLostBindRaceForgetsTheAssumptionAndFollowsTheWinner() throws Exception {
        pod("raced");
        eventually(Duration.ofSeconds(30), "raced bound by the other party", () -> !nodeOf("raced").isEmpty());
        String winner = nodeOf("raced");
        String loser = winner.equals(A) ? B : A;
        String uid = cp.get("/api/v1/namespaces/" + NS + "/pods/raced").path("metadata").path("uid").asText();
        // The bind conflict is reported, then the watch shows the pod where the winner put it.
        eventually(Duration.ofSeconds(30), "the bind conflict is reported", () -> {
            try {
                return events("raced", "FailedScheduling").stream().anyMatch(e -> e.path("note").asText().contains("409"));
            } catch (Exception e) {
                return false;
            }
        });
        eventually(Duration.ofSeconds(30), "the cache counts it on the winner only", () -> {
            var cache = server.scheduler().cache();
            return !cache.isAssumed(uid)
                    && cache.nodeInfo(winner).pods().stream().anyMatch(p -> p.uid().equals(uid))
                    && cache.nodeInfo(loser).pods().stream().noneMatch(p -> p.uid().equals(uid));
        });
        assertTrue(events("raced", "Scheduled").isEmpty(), "berth never claims the pod it lost");
        assertTrue(server.scheduler().queue().pendingPods().stream().noneMatch(p -> p.uid().equals(uid)),
                "a pod bound elsewhere leaves the queue");
    }
}
