package dev.berth.scheduler.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node, reduced to what scheduling reads: labels, taints, {@code spec.unschedulable},
 * {@code status.allocatable} and {@code status.images}.
 */
public record Node(String name, Map<String, String> labels, List<Taint> taints, boolean unschedulable,
                   Resources allocatable, List<ContainerImage> images) {
    public Node {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        taints = taints == null ? List.of() : List.copyOf(taints);
        allocatable = allocatable == null ? Resources.ZERO : allocatable;
        images = images == null ? List.of() : List.copyOf(images);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Fluent construction for tests, fixtures and embedders. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> labels = new HashMap<>();
        private final List<Taint> taints = new ArrayList<>();
        private boolean unschedulable;
        private Resources allocatable = Resources.ZERO;
        private final List<ContainerImage> images = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder label(String k, String v) { labels.put(k, v); return this; }
        public Builder taint(String key, String value, TaintEffect effect) { taints.add(new Taint(key, value, effect)); return this; }
        public Builder unschedulable(boolean v) { unschedulable = v; return this; }
        public Builder allocatable(Resources v) { allocatable = v; return this; }
        /** Sets allocatable from pairs ({@code "cpu", "4", "memory", "16Gi", "pods", "110"}). */
        public Builder allocatable(String... resourceAndQuantity) { allocatable = Resources.of(Pod.pairs(resourceAndQuantity)); return this; }
        public Builder image(long sizeBytes, String... names) { images.add(new ContainerImage(List.of(names), sizeBytes)); return this; }

        public Node build() {
            labels.putIfAbsent("kubernetes.io/hostname", name);
            return new Node(name, labels, taints, unschedulable, allocatable, images);
        }
    }
}
