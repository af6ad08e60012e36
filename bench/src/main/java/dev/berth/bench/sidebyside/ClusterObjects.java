package dev.berth.bench.sidebyside;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.bench.ClusterGenerator;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorTerm;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.Toleration;

import java.util.List;

/**
 * The {@link ClusterGenerator} cluster as API objects: nodes with status capacity/allocatable and a
 * Ready condition (no kubelet runs), pods in one namespace with container requests in canonical units.
 */
final class ClusterObjects {
    static final String NAMESPACE = "bench";

    private ClusterObjects() {}

    static List<ObjectNode> nodes(int count) {
        return ClusterGenerator.nodes(count).stream().map(ClusterObjects::node).toList();
    }

    /** Pods of the generator's mix, all for {@code default-scheduler}, the profile both schedulers run. */
    static List<ObjectNode> pods(int count) {
        return ClusterGenerator.pods("pod", count, Pod.DEFAULT_SCHEDULER, 42).stream().map(ClusterObjects::pod).toList();
    }

    static ObjectNode namespace() {
        ObjectNode ns = Api.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", NAMESPACE);
        return ns;
    }

    static ObjectNode node(Node n) {
        ObjectNode o = Api.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = o.putObject("metadata").put("name", n.name());
        ObjectNode labels = meta.putObject("labels");
        n.labels().forEach(labels::put);
        ObjectNode spec = o.putObject("spec");
        if (!n.taints().isEmpty()) {
            ArrayNode taints = spec.putArray("taints");
            for (Taint t : n.taints()) {
                taints.addObject().put("key", t.key()).put("value", t.value()).put("effect", t.effect().wire());
            }
        }
        ObjectNode status = o.putObject("status");
        status.set("capacity", resources(n.allocatable(), true));
        status.set("allocatable", resources(n.allocatable(), true));
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True").put("reason", "KubeletReady");
        if (!n.images().isEmpty()) {
            ArrayNode images = status.putArray("images");
            for (var img : n.images()) {
                ArrayNode names = images.addObject().put("sizeBytes", img.sizeBytes()).putArray("names");
                img.names().forEach(names::add);
            }
        }
        return o;
    }

    static ObjectNode pod(Pod p) {
        ObjectNode o = Api.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        o.putObject("metadata").put("name", p.name()).put("namespace", NAMESPACE);
        ObjectNode spec = o.putObject("spec").put("schedulerName", p.schedulerName());
        ArrayNode containers = spec.putArray("containers");
        for (Container c : p.containers()) {
            ObjectNode co = containers.addObject().put("name", c.name()).put("image", c.image());
            co.putObject("resources").set("requests", resources(c.requests(), false));
        }
        if (!p.tolerations().isEmpty()) {
            ArrayNode tols = spec.putArray("tolerations");
            for (Toleration t : p.tolerations()) {
                ObjectNode to = tols.addObject().put("key", t.key())
                        .put("operator", t.operator() == Toleration.Operator.EXISTS ? "Exists" : "Equal");
                if (t.operator() == Toleration.Operator.EQUAL) {
                    to.put("value", t.value());
                }
                if (t.effect() != null) {
                    to.put("effect", t.effect().wire());
                }
            }
        }
        if (!p.nodeSelector().isEmpty()) {
            ObjectNode sel = spec.putObject("nodeSelector");
            p.nodeSelector().forEach(sel::put);
        }
        var aff = p.nodeAffinity();
        if (aff.required() != null || !aff.preferred().isEmpty()) {
            ObjectNode na = spec.putObject("affinity").putObject("nodeAffinity");
            if (aff.required() != null) {
                ArrayNode terms = na.putObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms");
                aff.required().terms().forEach(t -> terms.add(term(t)));
            }
            if (!aff.preferred().isEmpty()) {
                ArrayNode prefs = na.putArray("preferredDuringSchedulingIgnoredDuringExecution");
                for (var pt : aff.preferred()) {
                    prefs.addObject().put("weight", pt.weight()).set("preference", term(pt.preference()));
                }
            }
        }
        return o;
    }

    private static ObjectNode term(NodeSelectorTerm t) {
        ObjectNode o = Api.JSON.createObjectNode();
        if (!t.matchExpressions().isEmpty()) {
            o.set("matchExpressions", requirements(t.matchExpressions()));
        }
        if (!t.matchFields().isEmpty()) {
            o.set("matchFields", requirements(t.matchFields()));
        }
        return o;
    }

    private static ArrayNode requirements(List<NodeSelectorRequirement> reqs) {
        ArrayNode a = Api.JSON.createArrayNode();
        for (var r : reqs) {
            ArrayNode values = a.addObject().put("key", r.key()).put("operator", r.operator().wire()).putArray("values");
            r.values().forEach(values::add);
        }
        return a;
    }

    /** A resource list in canonical units: millicores for cpu, bytes otherwise. */
    private static ObjectNode resources(Resources r, boolean withPods) {
        ObjectNode o = Api.JSON.createObjectNode();
        if (r.milliCpu() != 0) {
            o.put("cpu", r.milliCpu() % 1000 == 0 ? String.valueOf(r.milliCpu() / 1000) : r.milliCpu() + "m");
        }
        if (r.memory() != 0) {
            o.put("memory", String.valueOf(r.memory()));
        }
        if (r.ephemeralStorage() != 0) {
            o.put("ephemeral-storage", String.valueOf(r.ephemeralStorage()));
        }
        if (withPods && r.pods() != 0) {
            o.put("pods", String.valueOf(r.pods()));
        }
        return o;
    }
}
