package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.plugins.noderesources.NodeResourcesFitArgs.ResourceSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The args of {@link BalancedAllocation}, as kube-scheduler's {@code NodeResourcesBalancedAllocationArgs} (v1):
 * {@code resources: [{name: cpu, weight: 1}, ...]}. Null or empty means cpu and memory. Weights play no part in
 * the score: upstream accepts only 1 (0, the unset value, means 1).
 */
public record NodeResourcesBalancedAllocationArgs(List<ResourceSpec> resources) {
    public NodeResourcesBalancedAllocationArgs {
        resources = resources == null ? null : List.copyOf(resources);
    }

    /** The args kube-scheduler uses when none are given. */
    public static NodeResourcesBalancedAllocationArgs defaults() {
        return new NodeResourcesBalancedAllocationArgs(null).withDefaults();
    }

    /** These args with kube-scheduler's v1 defaults filled in. */
    public NodeResourcesBalancedAllocationArgs withDefaults() {
        if (resources == null || resources.isEmpty()) {
            return new NodeResourcesBalancedAllocationArgs(NodeResourcesFitArgs.DEFAULT_RESOURCES);
        }
        List<ResourceSpec> weighted = new ArrayList<>(resources.size());
        for (ResourceSpec r : resources) {
            weighted.add(r != null && r.weight() == 0 ? new ResourceSpec(r.name(), 1) : r);
        }
        return new NodeResourcesBalancedAllocationArgs(weighted);
    }

    /**
     * Checks defaulted args as kube-scheduler's {@code ValidateNodeResourcesBalancedAllocationArgs} does: no
     * resource twice, every weight 1.
     *
     * @throws IllegalArgumentException naming every invalid field by its path
     */
    public void validate() {
        ArgErrors errors = new ArgErrors(BalancedAllocation.NAME);
        List<ResourceSpec> list = resources == null ? List.of() : resources;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            ResourceSpec r = list.get(i);
            if (r == null || r.name() == null || r.name().isEmpty()) {
                errors.add("resources[" + i + "].name", "must not be empty");
                continue;
            }
            if (!seen.add(r.name())) {
                errors.add("resources[" + i + "].name", "duplicate resource " + r.name());
            }
            if (r.weight() != 1) {
                errors.add("resources[" + i + "].weight", "must be 1, got " + r.weight() + " for resource " + r.name());
            }
        }
        errors.throwIfAny();
    }
}
