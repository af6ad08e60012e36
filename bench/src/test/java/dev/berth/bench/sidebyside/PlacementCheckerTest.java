package dev.berth.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlacementCheckerTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static JsonNode yaml(String s) {
        try {
            return YAML.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode node(String name, String extra) {
        return yaml("""
                metadata: {name: %s, labels: {zone: a, disktype: ssd}}
                status: {allocatable: {cpu: "1", memory: 1Gi, pods: "2"}}
                %s
                """.formatted(name, extra));
    }

    static JsonNode pod(String name, String node, String cpu, String extraSpec) {
        return yaml("""
                metadata: {name: %s, namespace: bench}
                spec:
                  nodeName: "%s"
                  containers: [{name: c, resources: {requests: {cpu: "%s", memory: 128Mi}}}]
                  %s
                """.formatted(name, node, cpu, extraSpec));
    }

    static Stream<Arguments> cases() {
        JsonNode plain = node("n1", "");
        JsonNode tainted = node("n1", "spec: {taints: [{key: dedicated, value: infra, effect: NoSchedule}]}");
        JsonNode soft = node("n1", "spec: {taints: [{key: dedicated, value: infra, effect: PreferNoSchedule}]}");
        return Stream.of(
                Arguments.of("plain pod on a plain node", plain, List.of(pod("p", "n1", "500m", "")), List.of()),
                Arguments.of("unbound pods are counted, not violations", plain, List.of(pod("p", "", "500m", "")), List.of()),
                Arguments.of("missing node", plain, List.of(pod("p", "n9", "500m", "")), List.of("node")),
                Arguments.of("untolerated NoSchedule taint", tainted, List.of(pod("p", "n1", "100m", "")), List.of("taint")),
                Arguments.of("PreferNoSchedule is not a violation", soft, List.of(pod("p", "n1", "100m", "")), List.of()),
                Arguments.of("Equal toleration", tainted, List.of(pod("p", "n1", "100m",
                        "tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]")), List.of()),
                Arguments.of("Equal toleration with another value", tainted, List.of(pod("p", "n1", "100m",
                        "tolerations: [{key: dedicated, operator: Equal, value: gpu}]")), List.of("taint")),
                Arguments.of("Exists with empty key tolerates all", tainted, List.of(pod("p", "n1", "100m",
                        "tolerations: [{operator: Exists}]")), List.of()),
                Arguments.of("toleration for another effect", tainted, List.of(pod("p", "n1", "100m",
                        "tolerations: [{key: dedicated, operator: Exists, effect: NoExecute}]")), List.of("taint")),
                Arguments.of("nodeSelector match", plain, List.of(pod("p", "n1", "100m", "nodeSelector: {disktype: ssd}")), List.of()),
                Arguments.of("nodeSelector mismatch", plain, List.of(pod("p", "n1", "100m", "nodeSelector: {disktype: hdd}")),
                        List.of("nodeSelector")),
                Arguments.of("nodeSelector on a missing label", plain, List.of(pod("p", "n1", "100m", "nodeSelector: {gpu: 'true'}")),
                        List.of("nodeSelector")),
                Arguments.of("required affinity, second term matches", plain, List.of(pod("p", "n1", "100m", """
                        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
                            {matchExpressions: [{key: zone, operator: In, values: [b]}]},
                            {matchExpressions: [{key: zone, operator: In, values: [a]}, {key: gpu, operator: DoesNotExist}]}]}}}""")),
                        List.of()),
                Arguments.of("required affinity, NotIn excludes", plain, List.of(pod("p", "n1", "100m", """
                        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
                            {matchExpressions: [{key: zone, operator: NotIn, values: [a]}]}]}}}""")), List.of("nodeAffinity")),
                Arguments.of("required affinity by metadata.name field", plain, List.of(pod("p", "n1", "100m", """
                        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
                            {matchFields: [{key: metadata.name, operator: In, values: [n1]}]}]}}}""")), List.of()),
                Arguments.of("an empty term matches nothing", plain, List.of(pod("p", "n1", "100m", """
                        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{}]}}}""")),
                        List.of("nodeAffinity")),
                Arguments.of("cpu fits exactly", plain, List.of(pod("a", "n1", "600m", ""), pod("b", "n1", "0.4", "")), List.of()),
                Arguments.of("cpu overbooked", plain, List.of(pod("a", "n1", "600m", ""), pod("b", "n1", "500m", "")), List.of("capacity")),
                Arguments.of("pod count overbooked", plain, List.of(pod("a", "n1", "1m", ""), pod("b", "n1", "1m", ""),
                        pod("c", "n1", "1m", "")), List.of("capacity")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checksPlacements(String name, JsonNode node, List<JsonNode> pods, List<String> rules) {
        var report = PlacementChecker.check(List.of(node), pods);
        assertEquals(rules, report.violations().stream().map(PlacementChecker.Violation::rule).toList(), report.violations().toString());
    }

    @Test
    void initContainersCountByTheirMaximumAndOverheadAdds() {
        JsonNode pod = yaml("""
                spec:
                  initContainers: [{name: i, resources: {requests: {cpu: "2"}}}]
                  containers: [{name: a, resources: {requests: {cpu: 500m}}}, {name: b, resources: {requests: {cpu: 500m}}}]
                  overhead: {cpu: 100m}
                """);
        assertEquals(0, new BigDecimal("2.1").compareTo(PlacementChecker.requests(pod).get("cpu")));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            "500m, 0.5", "2, 2", "1Gi, 1073741824", "128Mi, 134217728", "1k, 1000", "1M, 1000000", "1e3, 1000",
            "1.5Gi, 1610612736", "100Ki, 102400", "1E, 1000000000000000000", "1Ei, 1152921504606846976"})
    void parsesQuantities(String quantity, String expected) {
        assertEquals(0, new BigDecimal(expected).compareTo(PlacementChecker.Quantities.parse(quantity)));
    }
}
