package dev.berth.scheduler.model;

import java.util.List;

/**
 * A pod's node affinity. {@code required} is null when the pod has no
 * {@code requiredDuringSchedulingIgnoredDuringExecution}.
 */
public record NodeAffinity(NodeSelector required, List<PreferredSchedulingTerm> preferred) {
    public static final NodeAffinity NONE = new NodeAffinity(null, List.of());

    public NodeAffinity {
        preferred = preferred == null ? List.of() : List.copyOf(preferred);
    }
}
