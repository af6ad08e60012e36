package dev.berth.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    private static final String NODES = """
            apiVersion: v1
            kind: Node
            metadata: {name: small, labels: {disktype: hdd}}
            status: {allocatable: {cpu: "1", memory: 2Gi, pods: "10"}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: tainted}
            spec:
              taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
            status: {allocatable: {cpu: "8", memory: 16Gi, pods: "10"}}
            """;

    private static final String PODS = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata: {name: fits, namespace: team}
              spec:
                containers: [{name: c, image: nginx, resources: {requests: {cpu: 500m}}}]
            - apiVersion: v1
              kind: Pod
              metadata: {name: too-big, namespace: team}
              spec:
                containers: [{name: c, image: nginx, resources: {requests: {cpu: "4"}}}]
            - apiVersion: v1
              kind: Pod
              metadata: {name: elsewhere, namespace: team}
              spec:
                schedulerName: someone-else
                containers: [{name: c, image: nginx}]
            """;

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void jsonOutputListsEveryPodWithItsNodeOrFailedSchedulingText() throws Exception {
        Run r = run("simulate", "--nodes", write("n.yaml", NODES).toString(), "--pods", write("p.yaml", PODS).toString(),
                "--output", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(3, json.size());
        assertEquals("team/fits", json.get(0).get("pod").asText());
        assertEquals("small", json.get(0).get("node").asText());
        assertTrue(json.get(0).get("message").isNull());
        assertTrue(json.get(1).get("node").isNull());
        assertEquals("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s).",
                json.get(1).get("message").asText());
        assertTrue(json.get(2).get("message").asText().contains("schedulerName \"someone-else\" names no profile"),
                json.get(2).toString());
    }

    @Test
    void tableOutputAndExplainShowEveryNodesVerdict() throws Exception {
        Run r = run("simulate", "--nodes", write("n.yaml", NODES).toString(), "--pods", write("p.yaml", PODS).toString(),
                "--explain", "team/too-big");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Explain team/too-big"), r.out());
        assertTrue(r.out().contains("small    NodeResourcesFit: UnschedulableAndUnresolvable (Insufficient cpu)"), r.out());
        assertTrue(r.out().contains("tainted  TaintToleration: UnschedulableAndUnresolvable"), r.out());
        assertTrue(r.out().contains("team/fits       small"), r.out());
        assertTrue(r.out().contains("3 pods: 1 placed, 2 not placed"), r.out());
    }

    @Test
    void anInvalidConfigStopsWithTheFieldPath() throws Exception {
        Path config = write("c.yaml", """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: berth
                  plugins:
                    score:
                      enabled: [{name: NoSuchPlugin}]
                """);
        Run r = run("simulate", "--nodes", write("n.yaml", NODES).toString(), "--pods", write("p.yaml", PODS).toString(),
                "--config", config.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("profiles[0].plugins.score.enabled[0].name"), r.err());
    }

    @Test
    void aMalformedManifestNamesTheObjectAndField() throws Exception {
        Path pods = write("bad.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers: [{name: c, resources: {requests: {cpu: lots}}}]
                """);
        Run r = run("simulate", "--nodes", write("n.yaml", NODES).toString(), "--pods", pods.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("spec.containers[0].resources.requests.cpu"), r.err());
    }

    @Test
    void shortAndEqualsFormsOfFlagsWork() throws Exception {
        Run r = run("simulate", "--nodes=" + write("n.yaml", NODES), "--pods", write("p.yaml", PODS).toString(), "-o", "json");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, new ObjectMapper().readTree(r.out()).size());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, run("simulate", "--nodes").code());
        assertEquals(2, run("simulate", "--nodes", "--pods", "x").code(), "a flag is not another flag's value");
        assertEquals(2, run("simulate", "--bogus", "x").code());
        assertEquals(2, run().code());
        assertEquals(0, run("--help").code());
    }
}
