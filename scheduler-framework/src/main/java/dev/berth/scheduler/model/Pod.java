package dev.berth.scheduler.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod, reduced to what scheduling reads. Immutable; {@link #withNodeName} gives the bound copy.
 *
 * @param uid               unique id; the cache and queue key pods by it
 * @param schedulerName     {@code spec.schedulerName} ("default-scheduler" when unset)
 * @param priority          {@code spec.priority} (0 when unset)
 * @param nodeName          {@code spec.nodeName}; null or empty while unbound
 * @param nodeSelector      {@code spec.nodeSelector}
 * @param nodeAffinity      {@code spec.affinity.nodeAffinity}, {@link NodeAffinity#NONE} when absent
 * @param overhead          {@code spec.overhead}
 * @param schedulingGates   names of {@code spec.schedulingGates}
 * @param phase             {@code status.phase} (Pending, Running, Succeeded, Failed)
 */
public record Pod(String namespace, String name, String uid, Map<String, String> labels,
                  Map<String, String> annotations, Instant creationTimestamp, String schedulerName, int priority,
                  String nodeName, Map<String, String> nodeSelector, NodeAffinity nodeAffinity,
                  List<Toleration> tolerations, List<Container> initContainers, List<Container> containers,
                  Resources overhead, List<String> schedulingGates, String phase) {
    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    public Pod {
        namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
        uid = uid == null || uid.isEmpty() ? namespace + "/" + name : uid;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        creationTimestamp = creationTimestamp == null ? Instant.EPOCH : creationTimestamp;
        schedulerName = schedulerName == null || schedulerName.isEmpty() ? DEFAULT_SCHEDULER : schedulerName;
        nodeName = nodeName == null ? "" : nodeName;
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        nodeAffinity = nodeAffinity == null ? NodeAffinity.NONE : nodeAffinity;
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
        containers = containers == null ? List.of() : List.copyOf(containers);
        overhead = overhead == null ? Resources.ZERO : overhead;
        schedulingGates = schedulingGates == null ? List.of() : List.copyOf(schedulingGates);
        phase = phase == null || phase.isEmpty() ? "Pending" : phase;
    }

    /** "namespace/name", the way events and logs name a pod. */
    public String key() {
        return namespace + "/" + name;
    }

    public boolean isBound() {
        return !nodeName.isEmpty();
    }

    /** Succeeded or Failed: such a pod no longer holds resources on its node. */
    public boolean isTerminal() {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    public Pod withNodeName(String node) {
        return new Pod(namespace, name, uid, labels, annotations, creationTimestamp, schedulerName, priority, node,
                nodeSelector, nodeAffinity, tolerations, initContainers, containers, overhead, schedulingGates, phase);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Fluent construction for tests, fixtures and embedders. */
    public static final class Builder {
        private String namespace = "default";
        private final String name;
        private String uid;
        private final Map<String, String> labels = new HashMap<>();
        private final Map<String, String> annotations = new HashMap<>();
        private Instant created = Instant.EPOCH;
        private String schedulerName = DEFAULT_SCHEDULER;
        private int priority;
        private String nodeName = "";
        private final Map<String, String> nodeSelector = new HashMap<>();
        private NodeAffinity nodeAffinity = NodeAffinity.NONE;
        private final List<Toleration> tolerations = new ArrayList<>();
        private final List<Container> initContainers = new ArrayList<>();
        private final List<Container> containers = new ArrayList<>();
        private Resources overhead = Resources.ZERO;
        private final List<String> gates = new ArrayList<>();
        private String phase = "Pending";

        private Builder(String name) {
            this.name = name;
        }

        public Builder namespace(String v) { namespace = v; return this; }
        public Builder uid(String v) { uid = v; return this; }
        public Builder label(String k, String v) { labels.put(k, v); return this; }
        public Builder annotation(String k, String v) { annotations.put(k, v); return this; }
        public Builder created(Instant v) { created = v; return this; }
        public Builder schedulerName(String v) { schedulerName = v; return this; }
        public Builder priority(int v) { priority = v; return this; }
        public Builder nodeName(String v) { nodeName = v; return this; }
        public Builder nodeSelector(String k, String v) { nodeSelector.put(k, v); return this; }
        public Builder nodeAffinity(NodeAffinity v) { nodeAffinity = v; return this; }
        public Builder toleration(Toleration v) { tolerations.add(v); return this; }
        public Builder initContainer(Container c) { initContainers.add(c); return this; }
        public Builder container(Container c) { containers.add(c); return this; }
        /** Adds a container with these requests ({@code "cpu", "500m", "memory", "1Gi"}). */
        public Builder requests(String... resourceAndQuantity) {
            return container(Container.of("c" + containers.size(), "", Resources.of(pairs(resourceAndQuantity))));
        }
        public Builder overhead(Resources v) { overhead = v; return this; }
        public Builder schedulingGate(String v) { gates.add(v); return this; }
        public Builder phase(String v) { phase = v; return this; }

        public Pod build() {
            return new Pod(namespace, name, uid, labels, annotations, created, schedulerName, priority, nodeName,
                    nodeSelector, nodeAffinity, tolerations, initContainers, containers, overhead, gates, phase);
        }
    }

    static Map<String, String> pairs(String... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("expected resource/quantity pairs");
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
