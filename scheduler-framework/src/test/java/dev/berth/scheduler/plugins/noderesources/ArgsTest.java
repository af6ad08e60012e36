package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.RequestedToCapacityRatioParam;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.ResourceSpec;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.ScoringStrategy;
import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.UtilizationShapePoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.LEAST_ALLOCATED;
import static dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.MOST_ALLOCATED;
import static dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.REQUESTED_TO_CAPACITY_RATIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaulting and validation of the NodeResourcesFit and NodeResourcesBalancedAllocation args, as upstream's v1 config. */
class ArgsTest {
    private static final List<ResourceSpec> DEFAULT = NodeResourcesFitArgs.DEFAULT_RESOURCES;

    private static UtilizationShapePoint pt(int utilization, int score) {
        return new UtilizationShapePoint(utilization, score);
    }

    private static NodeResourcesFitArgs strategy(String type, List<ResourceSpec> resources, List<UtilizationShapePoint> shape) {
        return new NodeResourcesFitArgs(null, null, new ScoringStrategy(type, resources,
                shape == null ? null : new RequestedToCapacityRatioParam(shape)));
    }

    record Invalid(String name, NodeResourcesFitArgs args, List<String> fields) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Invalid> invalidFitArgs() {
        List<ResourceSpec> cpuMem = DEFAULT;
        return Stream.of(
                new Invalid("resource with negative weight",
                        strategy(LEAST_ALLOCATED, List.of(new ResourceSpec("memory", -1), new ResourceSpec("cpu", 1)), null),
                        List.of("scoringStrategy.resources[0].weight: must be in the range 1-100")),
                new Invalid("resource weight larger than MaxNodeScore",
                        strategy(MOST_ALLOCATED, List.of(new ResourceSpec("memory", 1), new ResourceSpec("cpu", 101)), null),
                        List.of("scoringStrategy.resources[1].weight: must be in the range 1-100")),
                new Invalid("unknown strategy type", strategy("Balanced", cpuMem, null),
                        List.of("scoringStrategy.type: unsupported value \"Balanced\"")),
                new Invalid("strategy without a type", strategy(null, cpuMem, null),
                        List.of("scoringStrategy.type: unsupported value \"\"")),
                new Invalid("shape utilization not increasing",
                        strategy(REQUESTED_TO_CAPACITY_RATIO, cpuMem, List.of(pt(10, 1), pt(10, 2), pt(5, 3))),
                        List.of("scoringStrategy.shape[1].utilization: values must be strictly increasing")),
                new Invalid("shape utilization out of range",
                        strategy(REQUESTED_TO_CAPACITY_RATIO, cpuMem, List.of(pt(-10, 1), pt(110, 2))),
                        List.of("scoringStrategy.shape[0].utilization: must be in the range 0-100",
                                "scoringStrategy.shape[1].utilization: must be in the range 0-100")),
                new Invalid("shape score out of range",
                        strategy(REQUESTED_TO_CAPACITY_RATIO, cpuMem, List.of(pt(0, -1), pt(100, 11))),
                        List.of("scoringStrategy.shape[0].score: must be in the range 0-10",
                                "scoringStrategy.shape[1].score: must be in the range 0-10")),
                new Invalid("empty shape", strategy(REQUESTED_TO_CAPACITY_RATIO, cpuMem, List.of()),
                        List.of("scoringStrategy.shape: at least one point must be specified")),
                new Invalid("RequestedToCapacityRatio without a shape", strategy(REQUESTED_TO_CAPACITY_RATIO, cpuMem, null),
                        List.of("scoringStrategy.shape: at least one point must be specified")),
                new Invalid("a shape is validated whatever the strategy", strategy(LEAST_ALLOCATED, cpuMem, List.of(pt(0, 20))),
                        List.of("scoringStrategy.shape[0].score: must be in the range 0-10")),
                new Invalid("invalid ignored resource name",
                        new NodeResourcesFitArgs(List.of("example.com/ok", "-bad-"), null, null),
                        List.of("ignoredResources[1]:")),
                new Invalid("ignored resource group with a slash",
                        new NodeResourcesFitArgs(null, List.of("example.com", "example.com/aaa"), null),
                        List.of("ignoredResourceGroups[1]: resource group 'example.com/aaa' must not contain '/'")),
                new Invalid("several problems are all reported",
                        new NodeResourcesFitArgs(List.of("a/b/c"), null,
                                new ScoringStrategy("Nope", List.of(new ResourceSpec("cpu", 500)), null)),
                        List.of("ignoredResources[0]", "scoringStrategy.type", "scoringStrategy.resources[0].weight")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFitArgs")
    void invalidFitArgsNameTheField(Invalid c) {
        var e = assertThrows(IllegalArgumentException.class, () -> new Fit(c.args()));
        for (String field : c.fields()) {
            assertTrue(e.getMessage().contains(field), () -> "'" + e.getMessage() + "' does not contain '" + field + "'");
        }
    }

    @Test
    void nullFitArgsAreLeastAllocatedOverCpuAndMemory() {
        NodeResourcesFitArgs args = new Fit(null).args();
        assertEquals(new NodeResourcesFitArgs(List.of(), List.of(), new ScoringStrategy(LEAST_ALLOCATED, DEFAULT, null)), args);
        assertEquals(args, new Fit(new NodeResourcesFitArgs(null, null, null)).args());
    }

    @Test
    void unsetResourcesAndWeightsTakeTheDefaults() {
        assertEquals(DEFAULT, new Fit(strategy(MOST_ALLOCATED, null, null)).args().scoringStrategy().resources());
        assertEquals(DEFAULT, new Fit(strategy(MOST_ALLOCATED, List.of(), null)).args().scoringStrategy().resources());
        // A weight left out of the YAML binds as 0, which v1 defaulting turns into 1.
        assertEquals(List.of(new ResourceSpec("nvidia.com/gpu", 1), new ResourceSpec("cpu", 3)),
                new Fit(strategy(LEAST_ALLOCATED, List.of(new ResourceSpec("nvidia.com/gpu", 0), new ResourceSpec("cpu", 3)), null))
                        .args().scoringStrategy().resources());
    }

    @Test
    void validArgsAreAccepted() {
        new Fit(new NodeResourcesFitArgs(List.of("example.com/foo", "foo"), List.of("example.com"),
                new ScoringStrategy(REQUESTED_TO_CAPACITY_RATIO, List.of(new ResourceSpec("intel.com/foo", 100)),
                        new RequestedToCapacityRatioParam(List.of(pt(0, 0), pt(50, 10), pt(100, 0))))));
    }

    @Test
    void argsBindFromUpstreamYamlFieldNames() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        NodeResourcesFitArgs fit = yaml.readValue("""
                ignoredResources: [example.com/foo]
                ignoredResourceGroups: [example.org]
                scoringStrategy:
                  type: RequestedToCapacityRatio
                  resources:
                  - name: intel.com/foo
                    weight: 3
                  - name: cpu
                  requestedToCapacityRatio:
                    shape:
                    - utilization: 0
                      score: 0
                    - utilization: 100
                      score: 10
                """, NodeResourcesFitArgs.class);
        assertEquals(new NodeResourcesFitArgs(List.of("example.com/foo"), List.of("example.org"),
                new ScoringStrategy(REQUESTED_TO_CAPACITY_RATIO, List.of(new ResourceSpec("intel.com/foo", 3), new ResourceSpec("cpu", 1)),
                        new RequestedToCapacityRatioParam(List.of(pt(0, 0), pt(100, 10))))), new Fit(fit).args());

        NodeResourcesBalancedAllocationArgs balanced = yaml.readValue("""
                resources:
                - name: cpu
                - name: nvidia.com/gpu
                  weight: 1
                """, NodeResourcesBalancedAllocationArgs.class);
        assertEquals(List.of(new ResourceSpec("cpu", 1), new ResourceSpec("nvidia.com/gpu", 1)),
                new BalancedAllocation(balanced).args().resources());
    }

    @Test
    void balancedAllocationArgs() {
        assertEquals(DEFAULT, new BalancedAllocation(null).args().resources());
        assertEquals(DEFAULT, new BalancedAllocation(new NodeResourcesBalancedAllocationArgs(List.of())).args().resources());
        assertEquals(List.of(new ResourceSpec("cpu", 1), new ResourceSpec("nvidia.com/gpu", 1)),
                new BalancedAllocation(new NodeResourcesBalancedAllocationArgs(
                        List.of(new ResourceSpec("cpu", 0), new ResourceSpec("nvidia.com/gpu", 1)))).args().resources());

        var dup = assertThrows(IllegalArgumentException.class, () -> new BalancedAllocation(
                new NodeResourcesBalancedAllocationArgs(List.of(new ResourceSpec("cpu", 1), new ResourceSpec("cpu", 1)))));
        assertTrue(dup.getMessage().contains("resources[1].name: duplicate resource cpu"), dup.getMessage());

        var weight = assertThrows(IllegalArgumentException.class, () -> new BalancedAllocation(
                new NodeResourcesBalancedAllocationArgs(List.of(new ResourceSpec("cpu", 1), new ResourceSpec("memory", 2)))));
        assertTrue(weight.getMessage().contains("resources[1].weight: must be 1"), weight.getMessage());
    }
}
