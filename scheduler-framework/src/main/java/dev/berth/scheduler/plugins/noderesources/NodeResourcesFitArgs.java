package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.model.Resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The args of {@link Fit}, field for field kube-scheduler's {@code NodeResourcesFitArgs} (v1):
 *
 * <pre>
 * ignoredResources: [example.com/foo]
 * ignoredResourceGroups: [example.com]
 * scoringStrategy:
 *   type: LeastAllocated | MostAllocated | RequestedToCapacityRatio
 *   resources: [{name: cpu, weight: 1}, {name: memory, weight: 1}]
 *   requestedToCapacityRatio:
 *     shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]
 * </pre>
 *
 * A null field takes kube-scheduler's v1 default ({@link #withDefaults()}): no ignored resources, and a
 * LeastAllocated strategy over cpu and memory with weight 1; a resource weight of 0 means 1.
 *
 * @param ignoredResources      extended resources the Filter does not check
 * @param ignoredResourceGroups extended-resource domains (the part before '/') the Filter does not check
 * @param scoringStrategy       how Score ranks nodes
 */
public record NodeResourcesFitArgs(List<String> ignoredResources, List<String> ignoredResourceGroups,
                                   ScoringStrategy scoringStrategy) {
    public static final String LEAST_ALLOCATED = "LeastAllocated";
    public static final String MOST_ALLOCATED = "MostAllocated";
    public static final String REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio";
    /** The largest score a shape point may give; it is scaled to the node score range (x10). */
    public static final int MAX_CUSTOM_PRIORITY_SCORE = 10;

    private static final Set<String> STRATEGY_TYPES = Set.of(LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO);

    /** cpu and memory with weight 1: the resources scored when the args name none. */
    public static final List<ResourceSpec> DEFAULT_RESOURCES =
            List.of(new ResourceSpec(Resources.CPU, 1), new ResourceSpec(Resources.MEMORY, 1));

    public NodeResourcesFitArgs {
        ignoredResources = ignoredResources == null ? null : List.copyOf(ignoredResources);
        ignoredResourceGroups = ignoredResourceGroups == null ? null : List.copyOf(ignoredResourceGroups);
    }

    /** How {@link Fit} scores: a strategy type, the resources it weighs, and the shape for RequestedToCapacityRatio. */
    public record ScoringStrategy(String type, List<ResourceSpec> resources,
                                  RequestedToCapacityRatioParam requestedToCapacityRatio) {
        public ScoringStrategy {
            resources = resources == null ? null : List.copyOf(resources);
        }
    }

    /** A resource to score and its weight (1 to 100; 0 in the YAML means 1). */
    public record ResourceSpec(String name, long weight) {}

    /** The utilization-to-score curve of the RequestedToCapacityRatio strategy. */
    public record RequestedToCapacityRatioParam(List<UtilizationShapePoint> shape) {
        public RequestedToCapacityRatioParam {
            shape = shape == null ? null : List.copyOf(shape);
        }
    }

    /** At {@code utilization} percent (0-100) of a resource used, the score is {@code score} (0-10). */
    public record UtilizationShapePoint(int utilization, int score) {}

    /** The args kube-scheduler uses when none are given. */
    public static NodeResourcesFitArgs defaults() {
        return new NodeResourcesFitArgs(null, null, null).withDefaults();
    }

    /** These args with kube-scheduler's v1 defaults filled in (lists never null afterwards). */
    public NodeResourcesFitArgs withDefaults() {
        ScoringStrategy strategy = scoringStrategy;
        if (strategy == null) {
            strategy = new ScoringStrategy(LEAST_ALLOCATED, DEFAULT_RESOURCES, null);
        }
        List<ResourceSpec> resources = strategy.resources();
        if (resources == null || resources.isEmpty()) {
            resources = DEFAULT_RESOURCES;
        } else {
            List<ResourceSpec> weighted = new ArrayList<>(resources.size());
            for (ResourceSpec r : resources) {
                // An unset weight binds as 0; v1 defaulting turns it into 1.
                weighted.add(r != null && r.weight() == 0 ? new ResourceSpec(r.name(), 1) : r);
            }
            resources = weighted;
        }
        return new NodeResourcesFitArgs(ignoredResources == null ? List.of() : ignoredResources,
                ignoredResourceGroups == null ? List.of() : ignoredResourceGroups,
                new ScoringStrategy(strategy.type(), resources, strategy.requestedToCapacityRatio()));
    }

    /**
     * Checks defaulted args as kube-scheduler's {@code ValidateNodeResourcesFitArgs} does.
     *
     * @throws IllegalArgumentException naming every invalid field by its path
     */
    public void validate() {
        ArgErrors errors = new ArgErrors(Fit.NAME);
        List<String> ignored = ignoredResources == null ? List.of() : ignoredResources;
        for (int i = 0; i < ignored.size(); i++) {
            if (!ArgErrors.isQualifiedName(ignored.get(i))) {
                errors.add("ignoredResources[" + i + "]",
                        "'" + ignored.get(i) + "' is not a qualified resource name (optional DNS-subdomain prefix and '/', "
                                + "then up to 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends)");
            }
        }
        List<String> groups = ignoredResourceGroups == null ? List.of() : ignoredResourceGroups;
        for (int i = 0; i < groups.size(); i++) {
            String group = groups.get(i);
            if (group != null && group.contains("/")) {
                errors.add("ignoredResourceGroups[" + i + "]", "resource group '" + group + "' must not contain '/'");
            }
            if (!ArgErrors.isQualifiedName(group)) {
                errors.add("ignoredResourceGroups[" + i + "]", "'" + group + "' is not a valid resource group name");
            }
        }
        if (scoringStrategy != null) {
            String type = scoringStrategy.type();
            if (type == null || !STRATEGY_TYPES.contains(type)) {
                errors.add("scoringStrategy.type", "unsupported value \"" + (type == null ? "" : type)
                        + "\": must be one of " + LEAST_ALLOCATED + ", " + MOST_ALLOCATED + ", " + REQUESTED_TO_CAPACITY_RATIO);
            }
            List<ResourceSpec> resources = scoringStrategy.resources() == null ? List.of() : scoringStrategy.resources();
            for (int i = 0; i < resources.size(); i++) {
                ResourceSpec r = resources.get(i);
                if (r == null || r.name() == null || r.name().isEmpty()) {
                    errors.add("scoringStrategy.resources[" + i + "].name", "must not be empty");
                } else if (r.weight() <= 0 || r.weight() > 100) {
                    errors.add("scoringStrategy.resources[" + i + "].weight",
                            "must be in the range 1-100, got " + r.weight() + " for resource " + r.name());
                }
            }
            RequestedToCapacityRatioParam ratio = scoringStrategy.requestedToCapacityRatio();
            if (ratio != null) {
                validateShape(ratio.shape(), errors);
            } else if (REQUESTED_TO_CAPACITY_RATIO.equals(type)) {
                // Upstream would dereference the missing shape; reject it as an empty shape instead.
                validateShape(null, errors);
            }
        }
        errors.throwIfAny();
    }

    // Upstream reports shape errors under "scoringStrategy.shape", not the YAML path; kept for parity.
    private static void validateShape(List<UtilizationShapePoint> shape, ArgErrors errors) {
        String path = "scoringStrategy.shape";
        if (shape == null || shape.isEmpty()) {
            errors.add(path, "at least one point must be specified");
            return;
        }
        for (int i = 1; i < shape.size(); i++) {
            if (shape.get(i - 1).utilization() >= shape.get(i).utilization()) {
                errors.add(path + "[" + i + "].utilization", "values must be strictly increasing, got "
                        + shape.get(i).utilization() + " after " + shape.get(i - 1).utilization());
                break;
            }
        }
        for (int i = 0; i < shape.size(); i++) {
            UtilizationShapePoint p = shape.get(i);
            if (p.utilization() < 0 || p.utilization() > 100) {
                errors.add(path + "[" + i + "].utilization", "must be in the range 0-100, got " + p.utilization());
            }
            if (p.score() < 0 || p.score() > MAX_CUSTOM_PRIORITY_SCORE) {
                errors.add(path + "[" + i + "].score",
                        "must be in the range 0-" + MAX_CUSTOM_PRIORITY_SCORE + ", got " + p.score());
            }
        }
    }
}
