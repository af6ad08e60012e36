package dev.berth.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated cluster as API objects: the mix is there, and every pod has a legal node on paper. */
class ClusterObjectsTest {
    @Test
    void nodesCarryCapacityLabelsAndEveryTenthATaint() {
        List<? extends JsonNode> nodes = ClusterObjects.nodes(20);
        JsonNode n0 = nodes.getFirst();
        assertEquals("8", n0.at("/status/allocatable/cpu").asText());
        assertEquals("110", n0.at("/status/allocatable/pods").asText());
        assertEquals("zone-a", n0.at("/metadata/labels/topology.kubernetes.io~1zone").asText());
        assertEquals("ssd", n0.at("/metadata/labels/disktype").asText());
        assertEquals(2, nodes.stream().filter(n -> n.at("/spec/taints").size() == 1).count());
        assertEquals("NoSchedule", nodes.get(9).at("/spec/taints/0/effect").asText());
    }

    @Test
    void podsAreAQuarterEachOfTheMixAndAllForTheDefaultScheduler() {
        List<? extends JsonNode> pods = ClusterObjects.pods(8);
        assertTrue(pods.stream().allMatch(p -> p.at("/spec/schedulerName").asText().equals("default-scheduler")));
        assertTrue(pods.stream().allMatch(p -> p.at("/spec/nodeName").isMissingNode()));
        assertEquals(2, pods.stream().filter(p -> p.at("/spec/tolerations").size() == 1).count());
        assertEquals(2, pods.stream().filter(p -> p.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
                .isObject()).count());
        assertEquals(2, pods.stream().filter(p -> p.at("/spec/nodeSelector/disktype").asText().equals("ssd")).count());
        assertTrue(pods.getFirst().at("/spec/containers/0/resources/requests/cpu").asText().matches("[0-9]+m"));
    }

    @Test
    void everyPodWouldPassTheCheckerOnSomeNode() {
        List<JsonNode> nodes = new ArrayList<>(ClusterObjects.nodes(30));
        for (JsonNode pod : ClusterObjects.pods(40)) {
            boolean somewhere = nodes.stream().anyMatch(n -> {
                var bound = ((com.fasterxml.jackson.databind.node.ObjectNode) pod.deepCopy());
                ((com.fasterxml.jackson.databind.node.ObjectNode) bound.get("spec")).put("nodeName", n.at("/metadata/name").asText());
                return PlacementChecker.check(List.of(n), List.of(bound)).violations().isEmpty();
            });
            assertTrue(somewhere, pod.at("/metadata/name").asText() + " fits no node");
        }
    }
}
