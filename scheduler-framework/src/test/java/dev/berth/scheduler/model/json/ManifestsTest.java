package dev.berth.scheduler.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ManifestsTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<String> names(List<JsonNode> objects) {
        return objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList();
    }

    static Stream<Arguments> documents() {
        return Stream.of(
                arguments("empty text", "", List.of()),
                arguments("only comments", "# nothing here\n", List.of()),
                arguments("single YAML object", "kind: Pod\nmetadata: {name: a}\n", List.of("Pod/a")),
                arguments("multi-document YAML with empty and comment-only documents", """
                        ---
                        kind: Pod
                        metadata: {name: a}
                        ---
                        ---
                        # just a comment
                        ---
                        kind: Pod
                        metadata: {name: b}
                        ...
                        ---
                        kind: Node
                        metadata: {name: n}
                        """, List.of("Pod/a", "Pod/b", "Node/n")),
                arguments("explicit null documents are empty", "---\nnull\n---\n~\n---\nkind: Pod\nmetadata: {name: a}\n",
                        List.of("Pod/a")),
                arguments("JSON object", "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}", List.of("Pod/a")),
                arguments("JSON indented with tabs", "{\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"a\"}\n}\n",
                        List.of("Pod/a")),
                arguments("concatenated JSON objects", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n"
                        + "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}", List.of("Pod/a", "Pod/b")),
                arguments("YAML flow mapping that is not JSON", "{kind: Pod, metadata: {name: a}}", List.of("Pod/a")),
                arguments("kind List is flattened", """
                        apiVersion: v1
                        kind: List
                        items:
                        - {kind: Pod, metadata: {name: a}}
                        - {kind: Node, metadata: {name: n}}
                        """, List.of("Pod/a", "Node/n")),
                arguments("typed list items take the list's kind", """
                        apiVersion: v1
                        kind: PodList
                        metadata: {resourceVersion: "1"}
                        items:
                        - metadata: {name: a}
                        - {kind: Pod, metadata: {name: b}}
                        """, List.of("Pod/a", "Pod/b")),
                arguments("nested lists and a list among documents", """
                        kind: Pod
                        metadata: {name: first}
                        ---
                        kind: List
                        items:
                        - kind: NodeList
                          items: [{metadata: {name: n1}}, {metadata: {name: n2}}]
                        - {kind: Pod, metadata: {name: last}}
                        """, List.of("Pod/first", "Node/n1", "Node/n2", "Pod/last")),
                arguments("empty list", "kind: List\nitems: []\n", List.of()),
                arguments("list without items", "kind: List\n", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void parsesDocuments(String name, String text, List<String> expected) throws IOException {
        assertEquals(expected, names(Manifests.parse(text)));
        assertEquals(expected, names(Manifests.load(file("m.yaml", text))));
    }

    static Stream<Arguments> badDocuments() {
        return Stream.of(
                arguments("scalar document", "kind: Pod\nmetadata: {name: a}\n---\njust text\n",
                        "<text>, document 2: expected a Kubernetes object (a mapping), got the text 'just text'"),
                arguments("top-level sequence", "- kind: Pod\n", "<text>, document 1: expected a Kubernetes object (a mapping), got a sequence"),
                arguments("JSON array", "[{\"kind\": \"Pod\"}]", "<text>, document 1: expected a Kubernetes object (a mapping), got a sequence"),
                arguments("list item that is not an object", "kind: List\nitems: [{kind: Pod}, 3]\n",
                        "<text>, document 1, item 1: expected a Kubernetes object (a mapping), got number 3"),
                arguments("items not an array", "kind: PodList\nitems: {a: 1}\n",
                        "<text>, document 1: items of PodList must be an array, got a mapping"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDocuments")
    void rejectsBadDocuments(String name, String text, String message) {
        var e = assertThrows(ManifestException.class, () -> Manifests.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void reportsYamlSyntaxErrorsWithFileAndLine() throws IOException {
        Path f = file("broken.yaml", "kind: Pod\nmetadata:\n  name: [a\n");
        var e = assertThrows(ManifestException.class, () -> Manifests.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not valid YAML at line "), e.getMessage());
    }

    @Test
    void readsDocumentsLargerThanTheYamlLibraryDefaultLimit() throws IOException {
        // One document over 3 MiB, as a `kubectl get -o yaml` dump of a big cluster is.
        var text = new StringBuilder("kind: List\nitems:\n");
        int count = 0;
        while (text.length() < 3_300_000) {
            text.append("- {kind: Pod, metadata: {name: p").append(count++).append(", annotations: {note: ")
                    .append("x".repeat(2000)).append("}}}\n");
        }
        assertEquals(count, Manifests.pods(file("big.yaml", text.toString())).size());
    }

    @Test
    void reportsDuplicateKeys() {
        var e = assertThrows(ManifestException.class, () -> Manifests.parse("kind: Pod\nkind: Node\n"));
        assertTrue(e.getMessage().contains("Duplicate field 'kind'"), e.getMessage());
    }

    @Test
    void reportsMissingFile() {
        Path missing = dir.resolve("missing.yaml");
        var e = assertThrows(ManifestException.class, () -> Manifests.nodes(missing));
        assertTrue(e.getMessage().startsWith("cannot read " + missing), e.getMessage());
    }

    @Test
    void readsNodesAndPods() throws IOException {
        List<Node> nodes = Manifests.nodes(file("nodes.yaml", """
                kind: Node
                metadata: {name: n1}
                status: {allocatable: {cpu: "4"}}
                ---
                kind: NodeList
                items:
                - metadata: {name: n2}
                  spec: {unschedulable: true}
                """));
        assertEquals(List.of("n1", "n2"), nodes.stream().map(Node::name).toList());
        assertEquals(4000, nodes.get(0).allocatable().milliCpu());
        assertTrue(nodes.get(1).unschedulable());

        List<Pod> pods = Manifests.pods(file("pods.json", """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"priority": 5}}
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "namespace": "x"}}
                """));
        assertEquals(List.of("default/a", "x/b"), pods.stream().map(Pod::key).toList());
        assertEquals(5, pods.getFirst().priority());
    }

    @Test
    void givesPodsWithoutTimestampIncreasingTimesInFileOrder() throws IOException {
        List<Pod> pods = Manifests.pods(file("pods.yaml", """
                kind: Pod
                metadata: {name: a}
                ---
                kind: Pod
                metadata: {name: b, creationTimestamp: "2024-01-01T00:00:00Z"}
                ---
                kind: List
                items:
                - {kind: Pod, metadata: {name: c}}
                - {kind: Pod, metadata: {name: d, creationTimestamp: null}}
                """));
        assertEquals(List.of(Instant.EPOCH, Instant.parse("2024-01-01T00:00:00Z"), Instant.EPOCH.plusSeconds(2),
                Instant.EPOCH.plusSeconds(3)), pods.stream().map(Pod::creationTimestamp).toList());
    }

    static Stream<Arguments> wrongObjects() {
        return Stream.of(
                arguments("a pod in a nodes file", true, "kind: Node\nmetadata: {name: n1}\n---\n---\nkind: Pod\nmetadata: {name: p}\n",
                        "document 3: expected a Node but found a Pod"),
                arguments("a node inside a list in a pods file", false, "kind: List\nitems:\n- {kind: Pod, metadata: {name: a}}\n- {kind: Node, metadata: {name: n}}\n",
                        "document 1, item 1: expected a Pod but found a Node"),
                arguments("a service in a pods file", false, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
                        "document 1: expected a Pod but found a Service"),
                arguments("an object without kind", true, "metadata: {name: n1}\n",
                        "document 1: the object has no kind, expected Node"),
                arguments("a duplicate node", true, "kind: Node\nmetadata: {name: n1}\n---\nkind: Node\nmetadata: {name: n1}\n",
                        "document 2: Node n1 is already defined in document 1"),
                arguments("a duplicate pod", false, "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: a, namespace: default}\n",
                        "document 2: Pod default/a is already defined in document 1"),
                arguments("the same pod name in two namespaces is fine", false,
                        "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: a, namespace: other}\n", null),
                arguments("a malformed pod names file, document and field", false,
                        "kind: Pod\nmetadata: {name: ok}\n---\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: a, resources: {requests: {cpu: abc}}}]\n",
                        "document 2: Pod default/web: spec.containers[0].resources.requests.cpu: quantity 'abc' is not a valid Kubernetes quantity"),
                arguments("a malformed node", true, "kind: Node\nmetadata: {name: n1}\nspec: {taints: [{key: a, effect: Sometimes}]}\n",
                        "document 1: Node n1: spec.taints[0].effect: unknown taint effect 'Sometimes' (want NoSchedule, PreferNoSchedule or NoExecute)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongObjects")
    void rejectsObjectsOfAnotherKindOrMalformed(String name, boolean nodes, String text, String message) throws IOException {
        Path f = file("objects.yaml", text);
        if (message == null) {
            assertEquals(2, (nodes ? Manifests.nodes(f) : Manifests.pods(f)).size());
            return;
        }
        var e = assertThrows(ManifestException.class, () -> { if (nodes) { Manifests.nodes(f); } else { Manifests.pods(f); } });
        assertEquals(f + ", " + message, e.getMessage());
    }
}
