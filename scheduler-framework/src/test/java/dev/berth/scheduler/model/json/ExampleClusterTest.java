package dev.berth.scheduler.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.ContainerPort;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped example cluster under examples/cluster loads and says what its README says. */
class ExampleClusterTest {
    private static Path dir;
    private static Map<String, Node> nodes;
    private static List<Pod> podList;
    private static Map<String, Pod> pods;

    @BeforeAll
    static void load() {
        dir = findExamples();
        List<Node> nodeList = Manifests.nodes(dir.resolve("nodes.yaml"));
        nodes = nodeList.stream().collect(Collectors.toMap(Node::name, Function.identity()));
        podList = Manifests.pods(dir.resolve("pods.yaml"));
        pods = podList.stream().collect(Collectors.toMap(Pod::name, Function.identity()));
        assertEquals(nodeList.size(), nodes.size());
        assertEquals(podList.size(), pods.size(), "pod names are unique across namespaces");
    }

    /** examples/cluster at the repository root, found upward from the working directory (the module). */
    private static Path findExamples() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples/cluster");
            if (Files.isRegularFile(candidate.resolve("nodes.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/cluster not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void hasEightNodesAndTwentyTwoPods() {
        assertEquals(8, nodes.size());
        assertEquals(22, podList.size());
        assertEquals(22, Manifests.load(dir.resolve("pods.yaml")).size());
    }

    @Test
    void nodesHaveTheDescribedTaintsAndState() {
        assertEquals(List.of(new Taint("node-role.kubernetes.io/control-plane", "", TaintEffect.NO_SCHEDULE)),
                nodes.get("cp-1").taints());
        assertEquals(List.of(new Taint("nvidia.com/gpu", "present", TaintEffect.NO_SCHEDULE)), nodes.get("gpu-1").taints());
        assertEquals(2, nodes.get("gpu-1").allocatable().scalar("nvidia.com/gpu"));
        assertEquals(List.of(new Taint("spot", "true", TaintEffect.PREFER_NO_SCHEDULE)), nodes.get("worker-c1").taints());
        assertTrue(nodes.get("worker-d1").unschedulable());
        assertEquals(1, nodes.values().stream().filter(Node::unschedulable).count());
        // Capacity stands in for the missing allocatable.
        assertEquals(2000, nodes.get("worker-b2").allocatable().milliCpu());
        assertEquals(10, nodes.get("worker-b2").allocatable().pods());
        assertEquals(15800, nodes.get("worker-b1").allocatable().milliCpu());
        assertFalse(nodes.get("worker-a1").images().isEmpty());
        for (Node n : nodes.values()) {
            assertEquals(n.name(), n.labels().get("kubernetes.io/hostname"));
            assertTrue(n.labels().containsKey("topology.kubernetes.io/zone"), n.name());
            assertTrue(n.labels().containsKey("disktype"), n.name());
            Integer.parseInt(n.labels().get("example.com/cpu-cores"));
        }
    }

    @Test
    void everyPodUsesTheBerthProfileAndKeepsFileOrder() {
        for (Pod p : podList) {
            assertEquals("berth-scheduler", p.schedulerName(), p.key());
        }
        for (int i = 1; i < podList.size(); i++) {
            assertTrue(podList.get(i - 1).creationTimestamp().isBefore(podList.get(i).creationTimestamp()));
        }
        assertEquals("shop/critical-api", podList.getFirst().key());
        assertEquals(1000000, pods.get("critical-api").priority());
        assertEquals(1, podList.stream().filter(p -> p.priority() != 0).count());
    }

    @Test
    void podsCarryWhatTheReadmeSays() {
        assertEquals(1, pods.get("gpu-train").containers().getFirst().requests().scalar("nvidia.com/gpu"),
                "the gpu request defaults to the limit");
        assertTrue(pods.get("with-sidecar").initContainers().getFirst().isSidecar());
        assertFalse(pods.get("init-migrate").initContainers().getFirst().isSidecar());
        assertEquals(2000, pods.get("init-migrate").initContainers().getFirst().requests().milliCpu());

        List<Integer> hostPorts = List.of("hostport-a", "hostport-b").stream()
                .map(n -> pods.get(n).containers().getFirst().ports().getFirst())
                .map(ContainerPort::hostPort).toList();
        assertEquals(List.of(8080, 8080), hostPorts);

        assertEquals(NodeSelectorRequirement.Operator.GT, pods.get("big-cores").nodeAffinity().required().terms()
                .getFirst().matchExpressions().getFirst().operator());
        assertEquals(List.of(NodeSelectorRequirement.Operator.NOT_IN, NodeSelectorRequirement.Operator.EXISTS),
                pods.get("outside-zone-a").nodeAffinity().required().terms().getFirst().matchExpressions().stream()
                        .map(NodeSelectorRequirement::operator).toList());
        assertEquals(2, pods.get("prefers-ssd").nodeAffinity().preferred().size());

        assertEquals(new Toleration("", Toleration.Operator.EXISTS, "", null, null),
                pods.get("node-agent").tolerations().getFirst());
        assertEquals(Toleration.Operator.EXISTS, pods.get("cp-tolerant").tolerations().getFirst().operator());
        assertEquals(Toleration.Operator.EQUAL, pods.get("spot-tolerant").tolerations().getFirst().operator());

        assertEquals(64000, pods.get("too-much-cpu").containers().getFirst().requests().milliCpu());
        assertEquals(Map.of("disktype", "nvme"), pods.get("no-such-disk").nodeSelector());
        assertTrue(pods.get("pinned-to-control-plane").tolerations().isEmpty());
        assertEquals(4, pods.get("too-many-gpus").containers().stream().map(Container::requests)
                .mapToLong(r -> r.scalar("nvidia.com/gpu")).sum());
    }

    @Test
    void noNodeHasTheDiskTheUnschedulablePodWants() {
        assertTrue(nodes.values().stream().noneMatch(n -> "nvme".equals(n.labels().get("disktype"))));
        long biggest = nodes.values().stream().mapToLong(n -> n.allocatable().milliCpu()).max().orElseThrow();
        assertTrue(biggest < 64000);
    }

    @Test
    void schedulerConfigHasBothProfilesAndThePreferLabelPlugin() throws IOException {
        JsonNode config = new YAMLMapper().readTree(dir.resolve("scheduler-config.yaml").toFile());
        assertEquals("kubescheduler.config.k8s.io/v1", config.path("apiVersion").asText());
        assertEquals("KubeSchedulerConfiguration", config.path("kind").asText());
        JsonNode profiles = config.path("profiles");
        assertEquals(2, profiles.size());
        JsonNode packing = profiles.get(0);
        assertEquals("berth-scheduler", packing.path("schedulerName").asText());
        assertEquals("berth-spread", profiles.get(1).path("schedulerName").asText());
        assertEquals("PreferLabel", packing.path("plugins").path("score").path("enabled").get(0).path("name").asText());
        Map<String, JsonNode> args = new java.util.HashMap<>();
        packing.path("pluginConfig").forEach(pc -> args.put(pc.path("name").asText(), pc.path("args")));
        assertEquals("MostAllocated", args.get("NodeResourcesFit").path("scoringStrategy").path("type").asText());
        assertEquals("disktype", args.get("PreferLabel").path("label").asText());
        assertEquals("ssd", args.get("PreferLabel").path("value").asText());
        assertTrue(profiles.get(1).path("pluginConfig").isMissingNode(), "berth-spread keeps the defaults");
    }
}
