package dev.berth.scheduler.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.ContainerImage;
import dev.berth.scheduler.model.ContainerPort;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeAffinity;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorTerm;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.PreferredSchedulingTerm;
import dev.berth.scheduler.model.Quantity;
import dev.berth.scheduler.model.Resources;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads Kubernetes objects, as Jackson trees in their API JSON shape (v1 Pod, v1 Node and their parts),
 * into the scheduling model.
 *
 * <p>Only the fields the scheduler reads are looked at; every other field, including fields newer than
 * this code, is ignored, so manifests from newer clusters still load. JSON {@code null} counts as absent.
 * A field that is read but holds a value of the wrong JSON type, a malformed quantity, an unknown
 * operator or taint effect, or a value the API server's validation would reject where it changes what
 * the scheduler does (a negative quantity, a node selector requirement whose values do not suit its
 * operator, a preferred term weight outside 1-100) throws {@link ManifestException} naming the object and
 * the field path.
 *
 * <p>The API server's defaulting that changes scheduling is applied here: a container's requests default
 * to its limits per resource; with {@code spec.hostNetwork} a port's {@code hostPort} defaults to its
 * {@code containerPort}; a node without {@code status.allocatable} uses {@code status.capacity}. An absent
 * {@code spec.priority} is 0 and an absent {@code spec.schedulerName} is {@code default-scheduler}, and
 * {@code restartPolicy: Always} makes a sidecar only on an init container.
 */
public final class ModelReader {
    private ModelReader() {}

    /** Reads a v1 Pod. */
    public static Pod pod(JsonNode json) {
        JsonNode root = requireObject(json, "Pod");
        JsonNode metadata = lenientField(root, "metadata");
        String lenientNamespace = lenientText(metadata, "namespace");
        String lenientName = lenientText(metadata, "name");
        var at = new At("Pod " + (lenientNamespace == null || lenientNamespace.isEmpty() ? "default" : lenientNamespace)
                + "/" + (lenientName == null || lenientName.isEmpty() ? "<unnamed>" : lenientName));
        at.checkKind(root, "Pod");

        JsonNode meta = at.object(root, "metadata", "metadata");
        String name = at.string(meta, "name", "metadata.name");
        if (name == null || name.isEmpty()) {
            throw at.fail("metadata.name", "is required");
        }
        String namespace = at.string(meta, "namespace", "metadata.namespace");
        String uid = at.string(meta, "uid", "metadata.uid");
        Map<String, String> labels = at.stringMap(meta, "labels", "metadata.labels");
        Map<String, String> annotations = at.stringMap(meta, "annotations", "metadata.annotations");
        Instant created = at.timestamp(meta, "creationTimestamp", "metadata.creationTimestamp");

        JsonNode spec = at.object(root, "spec", "spec");
        String schedulerName = at.string(spec, "schedulerName", "spec.schedulerName");
        Integer priority = at.int32(spec, "priority", "spec.priority");
        String nodeName = at.string(spec, "nodeName", "spec.nodeName");
        Map<String, String> nodeSelector = at.stringMap(spec, "nodeSelector", "spec.nodeSelector");
        JsonNode affinity = at.object(spec, "affinity", "spec.affinity");
        NodeAffinity nodeAffinity = readNodeAffinity(at, at.object(affinity, "nodeAffinity", "spec.affinity.nodeAffinity"),
                "spec.affinity.nodeAffinity");
        List<Toleration> tolerations = at.list(spec, "tolerations", "spec.tolerations", (el, p) -> readToleration(at, el, p));
        boolean hostNetwork = Boolean.TRUE.equals(at.bool(spec, "hostNetwork", "spec.hostNetwork"));
        List<Container> initContainers = at.list(spec, "initContainers", "spec.initContainers",
                (el, p) -> readContainer(at, el, p, true, hostNetwork));
        List<Container> containers = at.list(spec, "containers", "spec.containers",
                (el, p) -> readContainer(at, el, p, false, hostNetwork));
        Resources overhead = toResources(readResourceList(at, at.field(spec, "overhead"), "spec.overhead"));
        List<String> gates = at.list(spec, "schedulingGates", "spec.schedulingGates", (el, p) -> {
            JsonNode gate = at.require(el, p);
            String gateName = at.string(gate, "name", p + ".name");
            if (gateName == null || gateName.isEmpty()) {
                throw at.fail(p + ".name", "is required");
            }
            return gateName;
        });

        JsonNode status = at.object(root, "status", "status");
        String phase = at.string(status, "phase", "status.phase");

        return new Pod(namespace, name, uid, labels, annotations, created, schedulerName,
                priority == null ? 0 : priority, nodeName, nodeSelector, nodeAffinity, tolerations, initContainers,
                containers, overhead, gates, phase);
    }

    /** Reads a v1 Node. */
    public static Node node(JsonNode json) {
        JsonNode root = requireObject(json, "Node");
        String lenientName = lenientText(lenientField(root, "metadata"), "name");
        var at = new At("Node " + (lenientName == null || lenientName.isEmpty() ? "<unnamed>" : lenientName));
        at.checkKind(root, "Node");

        JsonNode meta = at.object(root, "metadata", "metadata");
        String name = at.string(meta, "name", "metadata.name");
        if (name == null || name.isEmpty()) {
            throw at.fail("metadata.name", "is required");
        }
        Map<String, String> labels = at.stringMap(meta, "labels", "metadata.labels");

        JsonNode spec = at.object(root, "spec", "spec");
        List<Taint> taints = at.list(spec, "taints", "spec.taints", (el, p) -> readTaint(at, el, p));
        boolean unschedulable = Boolean.TRUE.equals(at.bool(spec, "unschedulable", "spec.unschedulable"));

        JsonNode status = at.object(root, "status", "status");
        // As the API server defaults it: a node that reports no allocatable offers its whole capacity.
        JsonNode allocatableJson = at.field(status, "allocatable");
        Resources allocatable = allocatableJson != null
                ? toResources(readResourceList(at, allocatableJson, "status.allocatable"))
                : toResources(readResourceList(at, at.field(status, "capacity"), "status.capacity"));
        List<ContainerImage> images = at.list(status, "images", "status.images", (el, p) -> {
            JsonNode image = at.require(el, p);
            List<String> names = at.list(image, "names", p + ".names", (n, np) -> at.requireString(n, np));
            Long size = at.int64(image, "sizeBytes", p + ".sizeBytes");
            return new ContainerImage(names, size == null ? 0 : size);
        });

        return new Node(name, labels, taints, unschedulable, allocatable, images);
    }

    /**
     * Reads a v1 NodeAffinity ({@code requiredDuringSchedulingIgnoredDuringExecution} and
     * {@code preferredDuringSchedulingIgnoredDuringExecution}); null or JSON null gives {@link NodeAffinity#NONE}.
     */
    public static NodeAffinity nodeAffinity(JsonNode json) {
        var at = new At("NodeAffinity");
        return readNodeAffinity(at, at.optionalObject(json, ""), "");
    }

    /**
     * Reads a v1 NodeSelector ({@code {nodeSelectorTerms: [...]}}), the required part of node affinity;
     * null or JSON null gives null.
     */
    public static NodeSelector nodeSelector(JsonNode json) {
        var at = new At("NodeSelector");
        return readNodeSelector(at, at.optionalObject(json, ""), "");
    }

    /** Reads a v1 Toleration. */
    public static Toleration toleration(JsonNode json) {
        var at = new At("Toleration");
        return readToleration(at, json, "");
    }

    /** Reads a v1 Taint. */
    public static Taint taint(JsonNode json) {
        var at = new At("Taint");
        return readTaint(at, json, "");
    }

    /** Reads a v1 ResourceList ({@code {cpu: 500m, memory: 1Gi, ...}}); null or JSON null gives {@link Resources#ZERO}. */
    public static Resources resources(JsonNode json) {
        var at = new At("ResourceList");
        return toResources(readResourceList(at, json, ""));
    }

    // ---- parts

    private static NodeAffinity readNodeAffinity(At at, JsonNode json, String path) {
        if (json == null) {
            return NodeAffinity.NONE;
        }
        String requiredPath = join(path, "requiredDuringSchedulingIgnoredDuringExecution");
        NodeSelector required = readNodeSelector(at,
                at.object(json, "requiredDuringSchedulingIgnoredDuringExecution", requiredPath), requiredPath);
        String preferredPath = join(path, "preferredDuringSchedulingIgnoredDuringExecution");
        List<PreferredSchedulingTerm> preferred = at.list(json, "preferredDuringSchedulingIgnoredDuringExecution",
                preferredPath, (el, p) -> {
                    JsonNode term = at.require(el, p);
                    Integer weight = at.int32(term, "weight", p + ".weight");
                    if (weight == null || weight < 1 || weight > 100) {
                        throw at.fail(p + ".weight", "must be in the range 1-100, got " + weight);
                    }
                    String prefPath = p + ".preference";
                    return new PreferredSchedulingTerm(weight,
                            readTerm(at, at.object(term, "preference", prefPath), prefPath));
                });
        return new NodeAffinity(required, preferred);
    }

    private static NodeSelector readNodeSelector(At at, JsonNode json, String path) {
        if (json == null) {
            return null;
        }
        return new NodeSelector(at.list(json, "nodeSelectorTerms", join(path, "nodeSelectorTerms"),
                (el, p) -> readTerm(at, at.require(el, p), p)));
    }

    private static NodeSelectorTerm readTerm(At at, JsonNode json, String path) {
        if (json == null) {
            return new NodeSelectorTerm(List.of(), List.of());
        }
        return new NodeSelectorTerm(
                at.list(json, "matchExpressions", join(path, "matchExpressions"), (el, p) -> readRequirement(at, el, p)),
                at.list(json, "matchFields", join(path, "matchFields"), (el, p) -> readRequirement(at, el, p)));
    }

    private static NodeSelectorRequirement readRequirement(At at, JsonNode element, String path) {
        JsonNode json = at.require(element, path);
        String key = at.string(json, "key", path + ".key");
        if (key == null || key.isEmpty()) {
            throw at.fail(path + ".key", "is required");
        }
        String op = at.string(json, "operator", path + ".operator");
        NodeSelectorRequirement.Operator operator;
        try {
            operator = NodeSelectorRequirement.Operator.parse(op);
        } catch (IllegalArgumentException e) {
            throw at.fail(path + ".operator", op == null ? "is required (In, NotIn, Exists, DoesNotExist, Gt or Lt)"
                    : "unknown node selector operator '" + op + "' (want In, NotIn, Exists, DoesNotExist, Gt or Lt)");
        }
        String valuesPath = path + ".values";
        List<String> values = at.list(json, "values", valuesPath, (el, p) -> at.requireString(el, p));
        // The API server rejects these shapes; the scheduler would otherwise silently match nothing.
        switch (operator) {
            case IN, NOT_IN -> {
                if (values.isEmpty()) {
                    throw at.fail(valuesPath, "operator " + op + " needs at least one value");
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!values.isEmpty()) {
                    throw at.fail(valuesPath, "operator " + op + " takes no values, got " + values);
                }
            }
            case GT, LT -> {
                // Only the count is validated upstream; a non-integer value makes the term match no node.
                if (values.size() != 1) {
                    throw at.fail(valuesPath, "operator " + op + " needs exactly one value, got " + values);
                }
            }
        }
        return new NodeSelectorRequirement(key, operator, values);
    }

    private static Toleration readToleration(At at, JsonNode element, String path) {
        JsonNode json = at.require(element, path);
        String key = at.string(json, "key", join(path, "key"));
        String op = at.string(json, "operator", join(path, "operator"));
        Toleration.Operator operator = switch (op == null ? "" : op) {
            case "", "Equal" -> Toleration.Operator.EQUAL;
            case "Exists" -> Toleration.Operator.EXISTS;
            default -> throw at.fail(join(path, "operator"), "unknown toleration operator '" + op + "' (want Equal or Exists)");
        };
        String value = at.string(json, "value", join(path, "value"));
        String effectText = at.string(json, "effect", join(path, "effect"));
        // An empty effect tolerates every effect.
        TaintEffect effect = effectText == null || effectText.isEmpty() ? null : effect(at, effectText, join(path, "effect"));
        Long seconds = at.int64(json, "tolerationSeconds", join(path, "tolerationSeconds"));
        return new Toleration(key, operator, value, effect, seconds);
    }

    private static Taint readTaint(At at, JsonNode element, String path) {
        JsonNode json = at.require(element, path);
        String key = at.string(json, "key", join(path, "key"));
        if (key == null || key.isEmpty()) {
            throw at.fail(join(path, "key"), "is required");
        }
        String value = at.string(json, "value", join(path, "value"));
        String effectText = at.string(json, "effect", join(path, "effect"));
        if (effectText == null || effectText.isEmpty()) {
            throw at.fail(join(path, "effect"), "is required (NoSchedule, PreferNoSchedule or NoExecute)");
        }
        return new Taint(key, value, effect(at, effectText, join(path, "effect")));
    }

    private static TaintEffect effect(At at, String text, String path) {
        try {
            return TaintEffect.parse(text);
        } catch (IllegalArgumentException e) {
            throw at.fail(path, e.getMessage());
        }
    }

    private static Container readContainer(At at, JsonNode element, String path, boolean init, boolean hostNetwork) {
        JsonNode json = at.require(element, path);
        String name = at.string(json, "name", path + ".name");
        String image = at.string(json, "image", path + ".image");
        JsonNode resources = at.object(json, "resources", path + ".resources");
        Map<String, String> requests = readResourceList(at, at.field(resources, "requests"), path + ".resources.requests");
        JsonNode limitsJson = at.field(resources, "limits");
        Map<String, String> limits = readResourceList(at, limitsJson, path + ".resources.limits");
        // API defaulting on pods: a resource with a limit and no request is requested at its limit.
        if (limitsJson != null) {
            limits.forEach(requests::putIfAbsent);
        }
        List<ContainerPort> ports = at.list(json, "ports", path + ".ports", (el, p) -> {
            JsonNode port = at.require(el, p);
            Integer containerPort = at.int32(port, "containerPort", p + ".containerPort");
            Integer hostPort = at.int32(port, "hostPort", p + ".hostPort");
            int cp = containerPort == null ? 0 : containerPort;
            int hp = hostPort == null ? 0 : hostPort;
            if (hostNetwork && hp == 0) {
                hp = cp; // API defaulting: on the host network a container port is a host port
            }
            return new ContainerPort(cp, hp, at.string(port, "protocol", p + ".protocol"),
                    at.string(port, "hostIP", p + ".hostIP"));
        });
        String restartPolicy = at.string(json, "restartPolicy", path + ".restartPolicy");
        // Only an init container with restartPolicy Always is a sidecar; on a regular container the field means something else.
        return new Container(name, image, toResources(requests), toResources(limits), ports, init ? restartPolicy : null,
                requests.keySet());
    }

    /** Reads a resource list, checking each quantity; the result keeps the text of each quantity. */
    private static Map<String, String> readResourceList(At at, JsonNode json, String path) {
        Map<String, String> list = new LinkedHashMap<>();
        JsonNode object = at.optionalObject(json, path);
        if (object == null) {
            return list;
        }
        for (var entry : object.properties()) {
            String resource = entry.getKey();
            String p = key(path, resource);
            JsonNode v = entry.getValue();
            if (v.isNull()) {
                continue;
            }
            String text;
            if (v.isTextual()) {
                text = v.textValue();
            } else if (v.isNumber()) {
                text = v.decimalValue().toString(); // scientific form for huge exponents, never a giant digit string
            } else {
                throw at.fail(p, "expected a quantity (a string or a number), got " + type(v));
            }
            try {
                if (Quantity.parse(text).signum() < 0) {
                    throw at.fail(p, "quantity '" + text + "' must not be negative");
                }
                // Converting as the model will catches values too large for it here, with the field's path.
                if (resource.equals(Resources.CPU)) {
                    Quantity.milliValue(text);
                } else if (resource.equals(Resources.MEMORY) || resource.equals(Resources.EPHEMERAL_STORAGE)
                        || resource.equals(Resources.PODS) || Resources.isScalar(resource)) {
                    Quantity.value(text);
                }
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw at.fail(p, e.getMessage());
            }
            list.put(resource, text);
        }
        return list;
    }

    private static Resources toResources(Map<String, String> list) {
        return Resources.of(list);
    }

    // ---- JSON access with error context

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** A map key in a path: {@code requests.cpu}, but {@code requests[nvidia.com/gpu]} when the key has dots or slashes. */
    private static String key(String path, String key) {
        return PLAIN_KEY.matcher(key).matches() ? join(path, key) : path + "[" + key + "]";
    }

    private static String type(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number (" + n.asText() + ")";
            case BOOLEAN -> "a boolean (" + n.asText() + ")";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static JsonNode requireObject(JsonNode json, String kind) {
        if (json == null || !json.isObject()) {
            throw new ManifestException(kind + ": expected a JSON object, got " + (json == null ? "nothing" : type(json)));
        }
        return json;
    }

    private static JsonNode lenientField(JsonNode parent, String name) {
        return parent == null || !parent.isObject() ? null : parent.get(name);
    }

    private static String lenientText(JsonNode parent, String name) {
        JsonNode v = lenientField(parent, name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** Reads fields of one object, failing with "{subject}: {path}: {problem}". */
    private record At(String subject) {
        ManifestException fail(String path, String problem) {
            return new ManifestException(subject + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }

        void checkKind(JsonNode root, String expected) {
            String kind = string(root, "kind", "kind");
            if (kind != null && !kind.isEmpty() && !kind.equals(expected)) {
                throw fail("kind", "expected " + expected + ", got '" + kind + "'");
            }
        }

        /** The field's value, or null when it is absent or JSON null. */
        JsonNode field(JsonNode parent, String name) {
            if (parent == null) {
                return null;
            }
            JsonNode v = parent.get(name);
            return v == null || v.isNull() || v.isMissingNode() ? null : v;
        }

        JsonNode require(JsonNode element, String path) {
            if (element == null || element.isNull()) {
                throw fail(path, "expected an object, got null");
            }
            if (!element.isObject()) {
                throw fail(path, "expected an object, got " + type(element));
            }
            return element;
        }

        JsonNode optionalObject(JsonNode v, String path) {
            if (v == null || v.isNull() || v.isMissingNode()) {
                return null;
            }
            if (!v.isObject()) {
                throw fail(path, "expected an object, got " + type(v));
            }
            return v;
        }

        JsonNode object(JsonNode parent, String name, String path) {
            return optionalObject(field(parent, name), path);
        }

        String requireString(JsonNode v, String path) {
            if (v == null || !v.isTextual()) {
                throw fail(path, "expected a string, got " + (v == null ? "nothing" : type(v)));
            }
            return v.textValue();
        }

        String string(JsonNode parent, String name, String path) {
            JsonNode v = field(parent, name);
            return v == null ? null : requireString(v, path);
        }

        Boolean bool(JsonNode parent, String name, String path) {
            JsonNode v = field(parent, name);
            if (v == null) {
                return null;
            }
            if (!v.isBoolean()) {
                throw fail(path, "expected a boolean, got " + type(v));
            }
            return v.booleanValue();
        }

        Integer int32(JsonNode parent, String name, String path) {
            JsonNode v = field(parent, name);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw fail(path, "expected a 32-bit integer, got " + type(v));
            }
            return v.intValue();
        }

        Long int64(JsonNode parent, String name, String path) {
            JsonNode v = field(parent, name);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw fail(path, "expected a 64-bit integer, got " + type(v));
            }
            return v.longValue();
        }

        Instant timestamp(JsonNode parent, String name, String path) {
            String text = string(parent, name, path);
            if (text == null || text.isEmpty()) {
                return null;
            }
            try {
                return OffsetDateTime.parse(text, RFC3339).toInstant();
            } catch (DateTimeParseException e) {
                throw fail(path, "'" + text + "' is not an RFC 3339 time (like 2024-05-01T12:00:00Z)");
            }
        }

        Map<String, String> stringMap(JsonNode parent, String name, String path) {
            JsonNode object = object(parent, name, path);
            Map<String, String> map = new LinkedHashMap<>();
            if (object != null) {
                for (var e : object.properties()) {
                    JsonNode v = e.getValue();
                    // JSON null decodes to the empty string, as a YAML "key:" with no value does upstream.
                    map.put(e.getKey(), v.isNull() ? "" : requireString(v, key(path, e.getKey())));
                }
            }
            return map;
        }

        <T> List<T> list(JsonNode parent, String name, String path, BiFunction<JsonNode, String, T> reader) {
            JsonNode v = field(parent, name);
            if (v == null) {
                return List.of();
            }
            if (!v.isArray()) {
                throw fail(path, "expected an array, got " + type(v));
            }
            List<T> out = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                out.add(reader.apply(v.get(i), path + "[" + i + "]"));
            }
            return out;
        }
    }
}
