package dev.berth.scheduler.cluster;

import dev.berth.kube.testing.ControlPlane;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static dev.berth.kube.testing.ControlPlane.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two berth-scheduler processes (the real binary) share one Lease: only the leader schedules; when it is
 * killed outright the other takes over without any pod being scheduled twice; SIGTERM releases the lease.
 */
class LeaderElectionIT {
    private static final Path ROOT = ControlPlane.repositoryRoot();
    private static final String ID = UUID.randomUUID().toString().substring(0, 6);
    private static final String LEASE = "berth-le-" + ID;
    private static final String NS = "le-" + ID;
    private static final String PROFILE = "berth-le-" + ID;
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static ControlPlane cp;
    private static Path dir;

    @BeforeAll
    static void cluster() throws Exception {
        cp = ControlPlane.shared();
        cp.namespace(NS);
        ClusterSchedulerIT.nodeFor(cp, "le-" + ID + "-node", "16", "");
        dir = Files.createTempDirectory("berth-le-");
        Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                leaderElection: {leaderElect: true, leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 1s,
                                 resourceNamespace: kube-system, resourceName: %s}
                profiles: [{schedulerName: %s}]
                """.formatted(LEASE, PROFILE));
    }

    @AfterAll
    static void cleanup() throws Exception {
        PROCESSES.forEach(Process::destroyForcibly);
        for (Process p : PROCESSES) {
            p.waitFor();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        cp.admin.delete("/api/v1/nodes/le-" + ID + "-node");
        cp.admin.delete("/api/v1/namespaces/" + NS);
        cp.admin.delete("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/" + LEASE);
    }

    private static Process replica(String name) throws Exception {
        Process p = new ProcessBuilder(ROOT.resolve("bin/berth-scheduler").toString(), "--kubeconfig",
                cp.adminKubeconfig.toString(), "--config", dir.resolve("config.yaml").toString(), "--healthz-port", "0")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        PROCESSES.add(p);
        return p;
    }

    private static String holder() {
        try {
            return cp.get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/" + LEASE)
                    .path("spec").path("holderIdentity").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    /** The holder identity is host_pid_random: the pid says which process leads. */
    private static long leaderPid() {
        String[] parts = holder().split("_");
        return parts.length >= 3 ? Long.parseLong(parts[parts.length - 2]) : -1;
    }

    private static void pods(String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            cp.create("/api/v1/namespaces/" + NS + "/pods", """
                    {apiVersion: v1, kind: Pod, metadata: {name: %s-%d},
                     spec: {schedulerName: %s, containers: [{name: c, image: x, resources: {requests: {cpu: 100m}}}]}}"""
                    .formatted(prefix, i, PROFILE));
        }
    }

    private static boolean allBound(String prefix, int n) {
        for (int i = 0; i < n; i++) {
            try {
                if (cp.get("/api/v1/namespaces/" + NS + "/pods/" + prefix + "-" + i).path("spec").path("nodeName").asText("").isEmpty()) {
                    return false;
                }
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    private static long scheduledEvents(String prefix) {
        try {
            return StreamSupport.stream(cp.get("/apis/events.k8s.io/v1/namespaces/" + NS + "/events").path("items").spliterator(), false)
                    .filter(e -> e.path("regarding").path("name").asText().startsWith(prefix + "-"))
                    .filter(e -> e.path("reason").asText().equals("Scheduled")).count();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void oneLeaderSchedulesAndAStandbyTakesOverWhenItIsKilled() throws Exception {
        Process a = replica("a");
        Process b = replica("b");
        eventually(Duration.ofSeconds(60), "a leader", () -> leaderPid() == a.pid() || leaderPid() == b.pid());
        Process leader = leaderPid() == a.pid() ? a : b;
        Process standby = leader == a ? b : a;

        pods("first", 5);
        eventually(Duration.ofSeconds(30), "first pods bound", () -> allBound("first", 5));
        // Events are written asynchronously: let them land before the crash, so the counts below mean something.
        eventually(Duration.ofSeconds(30), "first pods' events", () -> scheduledEvents("first") == 5);

        leader.destroyForcibly().waitFor();
        eventually(Duration.ofSeconds(30), "the standby leads", () -> leaderPid() == standby.pid());
        pods("second", 5);
        eventually(Duration.ofSeconds(30), "second pods bound", () -> allBound("second", 5));
        eventually(Duration.ofSeconds(30), "second pods' events", () -> scheduledEvents("second") == 5);

        JsonNode events = cp.get("/apis/events.k8s.io/v1/namespaces/" + NS + "/events");
        for (String prefix : List.of("first", "second")) {
            for (int i = 0; i < 5; i++) {
                String pod = prefix + "-" + i;
                long scheduled = StreamSupport.stream(events.path("items").spliterator(), false)
                        .filter(e -> e.path("regarding").path("name").asText().equals(pod))
                        .filter(e -> e.path("reason").asText().equals("Scheduled")).count();
                long failed = StreamSupport.stream(events.path("items").spliterator(), false)
                        .filter(e -> e.path("regarding").path("name").asText().equals(pod))
                        .filter(e -> e.path("reason").asText().equals("FailedScheduling")).count();
                assertEquals(1, scheduled, pod + " is scheduled exactly once");
                assertEquals(0, failed, pod + " never failed (no competing bind)");
            }
        }

        // SIGTERM: stop scheduling, finish binds, release the lease for the next replica at once.
        standby.destroy();
        assertTrue(standby.waitFor(40, java.util.concurrent.TimeUnit.SECONDS), "exits after SIGTERM");
        eventually(Duration.ofSeconds(5), "lease released", () -> holder().isEmpty());
    }
}
