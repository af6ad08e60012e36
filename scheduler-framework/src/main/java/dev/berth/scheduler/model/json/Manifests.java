package dev.berth.scheduler.model.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads Kubernetes manifest files: multi-document YAML ({@code ---} separated) or JSON (one or several
 * concatenated objects), as {@code kubectl apply -f} accepts them.
 *
 * <p>Empty documents are skipped. A {@code kind: List} or any {@code *List} kind with {@code items}
 * ({@code PodList}, {@code NodeList}, the output of {@code kubectl get -o yaml}) is flattened into its
 * items; an item of a typed list that has no {@code kind} of its own takes it from the list's kind.
 * Documents are numbered from 1 in error messages, and items of a list from 0.
 *
 * <p>{@link #pods} gives pods without a {@code metadata.creationTimestamp} increasing synthetic
 * timestamps in file order (the Unix epoch plus one second per pod, counting every pod in the file), so
 * that a queue ordered by priority and then by age, as PrioritySort is, keeps file order among pods of
 * equal priority. Pods that carry a timestamp keep it.
 */
public final class Manifests {
    private Manifests() {}

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    // Duplicate keys are an error, as they are for kubectl's YAML decoder. The YAML library caps a
    // document at 3 MiB by default; a `kubectl get pods -A -o yaml` dump is one document and may be larger.
    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .loaderOptions(unlimitedDocuments())
                    .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // an empty document is null, not ""
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static LoaderOptions unlimitedDocuments() {
        var options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        return options;
    }

    /** An object read from a manifest and where it came from ("document 3", "document 2, item 0"). */
    private record Located(JsonNode object, String where) {}

    /** The objects in a manifest file, lists flattened. */
    public static List<JsonNode> load(Path file) {
        return objects(read(file), file.toString()).stream().map(Located::object).toList();
    }

    /** The objects in manifest text, lists flattened. */
    public static List<JsonNode> parse(String text) {
        return objects(text, "<text>").stream().map(Located::object).toList();
    }

    /** The nodes in a manifest file; every object in it must be a Node. Node names must be unique. */
    public static List<Node> nodes(Path file) {
        String source = file.toString();
        return read(objects(read(file), source), source, "Node", ModelReader::node, Node::name);
    }

    /**
     * The pods in a manifest file; every object in it must be a Pod. Namespace/name pairs must be unique.
     * Pods without a creation timestamp get synthetic ones in file order (see the class comment).
     */
    public static List<Pod> pods(Path file) {
        String source = file.toString();
        List<Located> objects = objects(read(file), source);
        List<Pod> pods = read(objects, source, "Pod", ModelReader::pod, Pod::key);
        List<Pod> out = new ArrayList<>(pods.size());
        for (int i = 0; i < pods.size(); i++) {
            Pod p = pods.get(i);
            JsonNode created = objects.get(i).object().path("metadata").path("creationTimestamp");
            if (created.isMissingNode() || created.isNull() || created.asText().isEmpty()) {
                p = withCreated(p, Instant.EPOCH.plusSeconds(i));
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static <T> List<T> read(List<Located> objects, String source, String kind, Function<JsonNode, T> reader,
                                    Function<T, String> name) {
        List<T> out = new ArrayList<>(objects.size());
        Map<String, String> seen = new HashMap<>();
        for (Located o : objects) {
            JsonNode kindNode = o.object().get("kind");
            String actual = kindNode != null && kindNode.isTextual() ? kindNode.textValue() : null;
            if (actual == null || actual.isEmpty()) {
                throw new ManifestException(source + ", " + o.where() + ": the object has no kind, expected " + kind);
            }
            if (!actual.equals(kind)) {
                throw new ManifestException(source + ", " + o.where() + ": expected a " + kind + " but found a " + actual);
            }
            T value;
            try {
                value = reader.apply(o.object());
            } catch (ManifestException e) {
                throw new ManifestException(source + ", " + o.where() + ": " + e.getMessage(), e);
            }
            String previous = seen.putIfAbsent(name.apply(value), o.where());
            if (previous != null) {
                throw new ManifestException(source + ", " + o.where() + ": " + kind + " " + name.apply(value)
                        + " is already defined in " + previous);
            }
            out.add(value);
        }
        return List.copyOf(out);
    }

    private static Pod withCreated(Pod p, Instant created) {
        return new Pod(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations(), created, p.schedulerName(),
                p.priority(), p.nodeName(), p.nodeSelector(), p.nodeAffinity(), p.tolerations(), p.initContainers(),
                p.containers(), p.overhead(), p.schedulingGates(), p.phase());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + ": " + e, e);
        }
    }

    private static List<Located> objects(String text, String source) {
        List<JsonNode> documents = documents(text, source);
        List<Located> out = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            JsonNode doc = documents.get(i);
            String where = "document " + (i + 1);
            if (doc == null || doc.isNull() || doc.isMissingNode()) {
                continue; // an empty document, or one holding only comments
            }
            flatten(doc, where, source, out);
        }
        return out;
    }

    private static void flatten(JsonNode object, String where, String source, List<Located> out) {
        if (!object.isObject()) {
            throw new ManifestException(source + ", " + where + ": expected a Kubernetes object (a mapping), got "
                    + describe(object));
        }
        JsonNode kindNode = object.get("kind");
        String kind = kindNode != null && kindNode.isTextual() ? kindNode.textValue() : "";
        JsonNode items = object.get("items");
        boolean list = kind.equals("List") || (kind.endsWith("List") && items != null);
        if (!list) {
            out.add(new Located(object, where));
            return;
        }
        if (items == null || items.isNull()) {
            return;
        }
        if (!items.isArray()) {
            throw new ManifestException(source + ", " + where + ": items of " + kind + " must be an array, got "
                    + describe(items));
        }
        // Items of a typed list (PodList) may omit their kind: the list's kind names it.
        String itemKind = kind.equals("List") ? null : kind.substring(0, kind.length() - "List".length());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String itemWhere = where + ", item " + i;
            if (item.isObject() && itemKind != null && !item.hasNonNull("kind")) {
                ObjectNode copy = ((ObjectNode) item).deepCopy();
                copy.put("kind", itemKind);
                if (!copy.hasNonNull("apiVersion") && object.hasNonNull("apiVersion")) {
                    copy.set("apiVersion", object.get("apiVersion"));
                }
                item = copy;
            }
            flatten(item, itemWhere, source, out);
        }
    }

    private static String describe(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a sequence";
            case OBJECT -> "a mapping";
            case STRING -> "the text '" + abbreviate(n.textValue()) + "'";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + abbreviate(n.asText());
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** The documents of a YAML stream or of concatenated JSON values, nulls for empty documents. */
    private static List<JsonNode> documents(String text, String source) {
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return readAll(JSON, text);
            } catch (JsonProcessingException e) {
                // Not JSON after all: YAML flow style also starts with a brace.
                try {
                    return readAll(YAML, text);
                } catch (JsonProcessingException ignored) {
                    throw syntax(source, "JSON", e);
                }
            }
        }
        try {
            return readAll(YAML, text);
        } catch (JsonProcessingException e) {
            throw syntax(source, "YAML", e);
        }
    }

    private static List<JsonNode> readAll(ObjectMapper mapper, String text) throws JsonProcessingException {
        // One tree per document; unlike readValues this never unwraps a top-level sequence into objects.
        List<JsonNode> out = new ArrayList<>();
        try (JsonParser parser = mapper.createParser(text)) {
            while (parser.nextToken() != null) {
                out.add(mapper.readTree(parser));
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String does no I/O
        }
        return out;
    }

    private static ManifestException syntax(String source, String format, JsonProcessingException e) {
        var loc = e.getLocation();
        String at = loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new ManifestException(source + ": not valid " + format + at + ": " + e.getOriginalMessage(), e);
    }
}
