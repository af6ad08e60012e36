package dev.berth.scheduler.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.ContainerImage;
import dev.berth.scheduler.model.ContainerPort;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeAffinity;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorRequirement.Operator;
import dev.berth.scheduler.model.NodeSelectorTerm;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.PreferredSchedulingTerm;
import dev.berth.scheduler.model.Resources;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ModelReaderTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pod named web in namespace default with this spec (indented YAML under {@code spec:}). */
    static Pod podWithSpec(String spec) {
        return ModelReader.pod(yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                """ + spec.indent(2)));
    }

    static Resources res(String... pairs) {
        var m = new java.util.HashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Resources.of(m);
    }

    static Arguments pod(String name, String yaml, Function<Pod, Object> field, Object expected) {
        return arguments(name, yaml, field, expected);
    }

    static Stream<Arguments> podFields() {
        String base = "apiVersion: v1\nkind: Pod\n";
        return Stream.of(
                pod("metadata.name", base + "metadata: {name: web}", Pod::name, "web"),
                pod("namespace absent is default", base + "metadata: {name: web}", Pod::namespace, "default"),
                pod("metadata.namespace", base + "metadata: {name: web, namespace: shop}", Pod::key, "shop/web"),
                pod("metadata.uid", base + "metadata: {name: web, uid: 1f2e}", Pod::uid, "1f2e"),
                pod("uid absent is namespace/name", base + "metadata: {name: web, namespace: shop}", Pod::uid, "shop/web"),
                pod("metadata.labels", base + "metadata: {name: web, labels: {app: web, tier: front}}", Pod::labels,
                        Map.of("app", "web", "tier", "front")),
                pod("a label with no value is empty", base + "metadata:\n  name: web\n  labels:\n    flag:\n", Pod::labels,
                        Map.of("flag", "")),
                pod("metadata.annotations", base + "metadata: {name: web, annotations: {note: hi}}", Pod::annotations,
                        Map.of("note", "hi")),
                pod("creationTimestamp in UTC", base + "metadata: {name: web, creationTimestamp: '2024-05-01T12:00:00Z'}",
                        Pod::creationTimestamp, Instant.parse("2024-05-01T12:00:00Z")),
                pod("creationTimestamp unquoted in YAML", base + "metadata: {name: web, creationTimestamp: 2024-05-01T12:00:00Z}",
                        Pod::creationTimestamp, Instant.parse("2024-05-01T12:00:00Z")),
                pod("creationTimestamp with offset and fraction",
                        base + "metadata: {name: web, creationTimestamp: '2024-05-01T14:00:00.5+02:00'}",
                        Pod::creationTimestamp, Instant.parse("2024-05-01T12:00:00.5Z")),
                pod("creationTimestamp absent is the epoch", base + "metadata: {name: web}", Pod::creationTimestamp, Instant.EPOCH),
                pod("schedulerName absent is default-scheduler", base + "metadata: {name: web}\nspec: {}", Pod::schedulerName,
                        "default-scheduler"),
                pod("spec.schedulerName", base + "metadata: {name: web}\nspec: {schedulerName: berth-scheduler}",
                        Pod::schedulerName, "berth-scheduler"),
                pod("priority absent is 0", base + "metadata: {name: web}\nspec: {}", Pod::priority, 0),
                pod("spec.priority", base + "metadata: {name: web}\nspec: {priority: 1000000}", Pod::priority, 1000000),
                pod("negative priority", base + "metadata: {name: web}\nspec: {priority: -5}", Pod::priority, -5),
                pod("spec.nodeName", base + "metadata: {name: web}\nspec: {nodeName: n1}", Pod::nodeName, "n1"),
                pod("nodeName absent is unbound", base + "metadata: {name: web}", Pod::isBound, false),
                pod("spec.nodeSelector", base + "metadata: {name: web}\nspec: {nodeSelector: {disktype: ssd, 'kubernetes.io/os': linux}}",
                        Pod::nodeSelector, Map.of("disktype", "ssd", "kubernetes.io/os", "linux")),
                pod("affinity absent is NONE", base + "metadata: {name: web}\nspec: {}", Pod::nodeAffinity, NodeAffinity.NONE),
                pod("affinity without nodeAffinity is NONE", base + "metadata: {name: web}\nspec: {affinity: {}}",
                        Pod::nodeAffinity, NodeAffinity.NONE),
                pod("spec.overhead", base + "metadata: {name: web}\nspec: {overhead: {cpu: 250m, memory: 120Mi}}",
                        Pod::overhead, res("cpu", "250m", "memory", "120Mi")),
                pod("spec.schedulingGates", base + "metadata: {name: web}\nspec: {schedulingGates: [{name: a}, {name: b}]}",
                        Pod::schedulingGates, List.of("a", "b")),
                pod("status.phase", base + "metadata: {name: web}\nstatus: {phase: Running}", Pod::phase, "Running"),
                pod("phase absent is Pending", base + "metadata: {name: web}", Pod::phase, "Pending"),
                pod("kind may be absent", "metadata: {name: web}", Pod::name, "web"),
                pod("null fields count as absent",
                        base + "metadata: {name: web, labels: null}\nspec: {priority: null, tolerations: null, containers: null}",
                        Pod::priority, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("podFields")
    void readsPodFields(String name, String yaml, Function<Pod, Object> field, Object expected) {
        assertEquals(expected, field.apply(ModelReader.pod(yaml(yaml))));
    }

    static Arguments spec(String name, String spec, Function<Pod, Object> field, Object expected) {
        return arguments(name, spec, field, expected);
    }

    static Stream<Arguments> specFields() {
        return Stream.of(
                spec("requests and limits", """
                        containers:
                        - name: app
                          image: nginx:1.27
                          resources:
                            requests: {cpu: 500m, memory: 1Gi}
                            limits: {cpu: "1", memory: 2Gi}
                        """, p -> p.containers().getFirst(),
                        new Container("app", "nginx:1.27", res("cpu", "500m", "memory", "1Gi"),
                                res("cpu", "1", "memory", "2Gi"), List.of(), null)),
                spec("quantities written as YAML numbers", """
                        containers:
                        - name: app
                          resources: {requests: {cpu: 0.5, memory: 1048576, pods: 1}}
                        """, p -> p.containers().getFirst().requests(), res("cpu", "500m", "memory", "1Mi", "pods", "1")),
                spec("limits without requests become requests", """
                        containers:
                        - name: app
                          resources: {limits: {cpu: "2", nvidia.com/gpu: "1"}}
                        """, p -> p.containers().getFirst().requests(), res("cpu", "2", "nvidia.com/gpu", "1")),
                spec("an explicit request is kept when a limit is set", """
                        containers:
                        - name: app
                          resources: {requests: {cpu: 100m}, limits: {cpu: "2", memory: 1Gi}}
                        """, p -> p.containers().getFirst().requests(), res("cpu", "100m", "memory", "1Gi")),
                spec("init container limits become requests too", """
                        initContainers:
                        - name: setup
                          resources: {limits: {memory: 64Mi}}
                        """, p -> p.initContainers().getFirst().requests(), res("memory", "64Mi")),
                spec("extended and hugepages resources", """
                        containers:
                        - name: app
                          resources: {requests: {example.com/foo: "3", hugepages-2Mi: 4Mi, ephemeral-storage: 1Gi}}
                        """, p -> p.containers().getFirst().requests(),
                        res("example.com/foo", "3", "hugepages-2Mi", "4Mi", "ephemeral-storage", "1Gi")),
                spec("resources the scheduler does not count are ignored", """
                        containers:
                        - name: app
                          resources: {requests: {cpu: 100m, storage: 1Gi}}
                        """, p -> p.containers().getFirst().requests(), res("cpu", "100m")),
                spec("ports with defaults", """
                        containers:
                        - name: app
                          ports:
                          - containerPort: 80
                          - {containerPort: 8443, hostPort: 443, protocol: UDP, hostIP: 10.0.0.1}
                        """, p -> p.containers().getFirst().ports(),
                        List.of(new ContainerPort(80, 0, "TCP", ""), new ContainerPort(8443, 443, "UDP", "10.0.0.1"))),
                spec("hostNetwork makes container ports host ports", """
                        hostNetwork: true
                        initContainers:
                        - {name: init, ports: [{containerPort: 9000}]}
                        containers:
                        - name: app
                          ports: [{containerPort: 80}, {containerPort: 81, hostPort: 8081}]
                        """, p -> List.of(p.initContainers().getFirst().ports().getFirst().hostPort(),
                                p.containers().getFirst().ports().get(0).hostPort(),
                                p.containers().getFirst().ports().get(1).hostPort()),
                        List.of(9000, 80, 8081)),
                spec("a sidecar is an init container with restartPolicy Always", """
                        initContainers:
                        - {name: proxy, restartPolicy: Always}
                        - {name: migrate}
                        """, p -> p.initContainers().stream().map(Container::isSidecar).toList(), List.of(true, false)),
                spec("restartPolicy Always on a regular container does not make a sidecar", """
                        containers:
                        - {name: app, restartPolicy: Always}
                        """, p -> p.containers().getFirst().restartPolicy() == null, true),
                spec("init containers and containers keep their order", """
                        initContainers: [{name: i1}, {name: i2}]
                        containers: [{name: c1}, {name: c2}, {name: c3}]
                        """, p -> Stream.concat(p.initContainers().stream(), p.containers().stream()).map(Container::name).toList(),
                        List.of("i1", "i2", "c1", "c2", "c3")),
                spec("toleration Equal", """
                        tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]
                        """, Pod::tolerations,
                        List.of(new Toleration("dedicated", Toleration.Operator.EQUAL, "gpu", TaintEffect.NO_SCHEDULE, null))),
                spec("toleration operator absent is Equal", """
                        tolerations: [{key: dedicated, value: gpu}]
                        """, p -> p.tolerations().getFirst().operator(), Toleration.Operator.EQUAL),
                spec("toleration Exists with empty key tolerates everything", """
                        tolerations: [{operator: Exists}]
                        """, Pod::tolerations, List.of(new Toleration("", Toleration.Operator.EXISTS, "", null, null))),
                spec("toleration with empty effect matches every effect", """
                        tolerations: [{key: k, operator: Exists, effect: ""}]
                        """, p -> p.tolerations().getFirst().effect() == null, true),
                spec("toleration NoExecute with seconds", """
                        tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}]
                        """, Pod::tolerations, List.of(new Toleration("node.kubernetes.io/not-ready",
                                Toleration.Operator.EXISTS, "", TaintEffect.NO_EXECUTE, 300L))),
                spec("toleration PreferNoSchedule", """
                        tolerations: [{key: spot, operator: Equal, value: "true", effect: PreferNoSchedule}]
                        """, p -> p.tolerations().getFirst().effect(), TaintEffect.PREFER_NO_SCHEDULE),
                spec("required node affinity", """
                        affinity:
                          nodeAffinity:
                            requiredDuringSchedulingIgnoredDuringExecution:
                              nodeSelectorTerms:
                              - matchExpressions:
                                - {key: zone, operator: In, values: [a, b]}
                                - {key: gpu, operator: DoesNotExist}
                              - matchExpressions:
                                - {key: cores, operator: Gt, values: ["8"]}
                                matchFields:
                                - {key: metadata.name, operator: NotIn, values: [n1]}
                        """, p -> p.nodeAffinity().required(), new NodeSelector(List.of(
                                new NodeSelectorTerm(List.of(
                                        new NodeSelectorRequirement("zone", Operator.IN, List.of("a", "b")),
                                        new NodeSelectorRequirement("gpu", Operator.DOES_NOT_EXIST, List.of())), List.of()),
                                new NodeSelectorTerm(
                                        List.of(new NodeSelectorRequirement("cores", Operator.GT, List.of("8"))),
                                        List.of(new NodeSelectorRequirement("metadata.name", Operator.NOT_IN, List.of("n1"))))))),
                spec("every node selector operator", """
                        affinity:
                          nodeAffinity:
                            requiredDuringSchedulingIgnoredDuringExecution:
                              nodeSelectorTerms:
                              - matchExpressions:
                                - {key: a, operator: In, values: [x]}
                                - {key: b, operator: NotIn, values: [x]}
                                - {key: c, operator: Exists}
                                - {key: d, operator: DoesNotExist, values: []}
                                - {key: e, operator: Gt, values: ["1"]}
                                - {key: f, operator: Lt, values: ["9"]}
                        """, p -> p.nodeAffinity().required().terms().getFirst().matchExpressions().stream()
                                .map(NodeSelectorRequirement::operator).toList(),
                        List.of(Operator.IN, Operator.NOT_IN, Operator.EXISTS, Operator.DOES_NOT_EXIST, Operator.GT, Operator.LT)),
                spec("empty nodeSelectorTerms is kept (it matches no node)", """
                        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []}}}
                        """, p -> p.nodeAffinity().required(), new NodeSelector(List.of())),
                spec("preferred node affinity", """
                        affinity:
                          nodeAffinity:
                            preferredDuringSchedulingIgnoredDuringExecution:
                            - weight: 80
                              preference:
                                matchExpressions: [{key: disktype, operator: In, values: [ssd]}]
                            - weight: 1
                              preference: {}
                        """, p -> p.nodeAffinity(), new NodeAffinity(null, List.of(
                                new PreferredSchedulingTerm(80, new NodeSelectorTerm(
                                        List.of(new NodeSelectorRequirement("disktype", Operator.IN, List.of("ssd"))), List.of())),
                                new PreferredSchedulingTerm(1, new NodeSelectorTerm(List.of(), List.of()))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specFields")
    void readsPodSpecFields(String name, String spec, Function<Pod, Object> field, Object expected) {
        assertEquals(expected, field.apply(podWithSpec(spec)));
    }

    static Stream<Arguments> nodeFields() {
        String base = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {zone: a}}\n";
        return Stream.of(
                arguments("metadata.name", base, (Function<Node, Object>) Node::name, "n1"),
                arguments("metadata.labels", base, (Function<Node, Object>) Node::labels, Map.of("zone", "a")),
                arguments("no hostname label is invented", "kind: Node\nmetadata: {name: n1}",
                        (Function<Node, Object>) Node::labels, Map.of()),
                arguments("spec.taints", base + """
                        spec:
                          taints:
                          - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
                          - {key: nvidia.com/gpu, value: present, effect: NoSchedule, timeAdded: "2024-01-01T00:00:00Z"}
                          - {key: spot, value: "true", effect: PreferNoSchedule}
                          - {key: node.kubernetes.io/not-ready, effect: NoExecute}
                        """, (Function<Node, Object>) Node::taints, List.of(
                                new Taint("node-role.kubernetes.io/control-plane", "", TaintEffect.NO_SCHEDULE),
                                new Taint("nvidia.com/gpu", "present", TaintEffect.NO_SCHEDULE),
                                new Taint("spot", "true", TaintEffect.PREFER_NO_SCHEDULE),
                                new Taint("node.kubernetes.io/not-ready", "", TaintEffect.NO_EXECUTE))),
                arguments("spec.unschedulable", base + "spec: {unschedulable: true}",
                        (Function<Node, Object>) Node::unschedulable, true),
                arguments("unschedulable absent is false", base, (Function<Node, Object>) Node::unschedulable, false),
                arguments("status.allocatable", base + """
                        status:
                          capacity: {cpu: "8", memory: 32Gi, pods: "110"}
                          allocatable: {cpu: 7800m, memory: 31Gi, pods: "110", nvidia.com/gpu: "2", ephemeral-storage: 100Gi}
                        """, (Function<Node, Object>) Node::allocatable,
                        res("cpu", "7800m", "memory", "31Gi", "pods", "110", "nvidia.com/gpu", "2", "ephemeral-storage", "100Gi")),
                arguments("capacity when allocatable is absent", base + """
                        status:
                          capacity: {cpu: "8", memory: 32Gi, pods: "110"}
                        """, (Function<Node, Object>) Node::allocatable, res("cpu", "8", "memory", "32Gi", "pods", "110")),
                arguments("capacity when allocatable is null", base + """
                        status:
                          capacity: {cpu: "8"}
                          allocatable: null
                        """, (Function<Node, Object>) Node::allocatable, res("cpu", "8")),
                arguments("an empty allocatable is not replaced by capacity", base + """
                        status:
                          capacity: {cpu: "8"}
                          allocatable: {}
                        """, (Function<Node, Object>) Node::allocatable, Resources.ZERO),
                arguments("no status at all", base, (Function<Node, Object>) Node::allocatable, Resources.ZERO),
                arguments("status.images", base + """
                        status:
                          images:
                          - names: [docker.io/library/nginx@sha256:abc, docker.io/library/nginx:1.27]
                            sizeBytes: 70000000
                          - sizeBytes: 5
                        """, (Function<Node, Object>) Node::images, List.of(
                                new ContainerImage(List.of("docker.io/library/nginx@sha256:abc", "docker.io/library/nginx:1.27"), 70_000_000L),
                                new ContainerImage(List.of(), 5L))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodeFields")
    void readsNodeFields(String name, String yaml, Function<Node, Object> field, Object expected) {
        assertEquals(expected, field.apply(ModelReader.node(yaml(yaml))));
    }

    @Test
    void ignoresUnknownAndNewerFields() {
        Pod pod = ModelReader.pod(yaml("""
                apiVersion: v1
                kind: Pod
                futureTopLevel: 42
                metadata:
                  name: web
                  generation: 3
                  managedFields: [{manager: kubectl, fieldsV1: {f:spec: {}}}]
                  ownerReferences: [{kind: ReplicaSet, name: web-abc}]
                spec:
                  schedulerName: berth-scheduler
                  restartPolicy: Always
                  resources: {requests: {cpu: "9"}}
                  futureScheduling:
                    nested: {deeper: [1, 2, {x: y}], flag: true}
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: zone}]
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchExpressions: [{key: zone, operator: In, values: [a], futureFlag: 1}]
                          futureTermField: {a: b}
                  tolerations: [{key: k, operator: Exists, futureField: x}]
                  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone}]
                  containers:
                  - name: app
                    image: nginx
                    resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]
                    securityContext: {runAsNonRoot: true}
                    resources: {requests: {cpu: 100m}, claims: [{name: gpu}]}
                    ports: [{containerPort: 80, name: http, appProtocol: h2c}]
                  ephemeralContainers: [{name: debug}]
                status:
                  phase: Pending
                  conditions: [{type: PodScheduled, status: "False"}]
                  resize: InProgress
                """));
        assertEquals("web", pod.name());
        assertEquals("berth-scheduler", pod.schedulerName());
        assertEquals(100, pod.containers().getFirst().requests().milliCpu());
        assertEquals(1, pod.nodeAffinity().required().terms().size());
        assertEquals(1, pod.tolerations().size());

        Node node = ModelReader.node(yaml("""
                kind: Node
                metadata: {name: n1, annotations: {a: b}}
                spec: {podCIDR: 10.0.0.0/24, providerID: x, futureSpec: {a: [1]}}
                status:
                  allocatable: {cpu: "4"}
                  conditions: [{type: Ready, status: "True"}]
                  nodeInfo: {kubeletVersion: v1.99.0}
                  futureStatus: {deep: {er: 1}}
                  images: [{names: [a], sizeBytes: 1, futureImageField: true}]
                """));
        assertEquals(4000, node.allocatable().milliCpu());
    }

    static Stream<Arguments> malformed() {
        String pod = "kind: Pod\nmetadata: {name: web}\nspec:\n";
        String node = "kind: Node\nmetadata: {name: n1}\n";
        return Stream.of(
                arguments("bad cpu quantity", pod + "  containers: [{name: a, resources: {requests: {cpu: abc}}}]",
                        "Pod default/web: spec.containers[0].resources.requests.cpu: quantity 'abc' is not a valid Kubernetes quantity"),
                arguments("bad limit in second container", pod + "  containers: [{name: a}, {name: b, resources: {limits: {memory: 1GB}}}]",
                        "Pod default/web: spec.containers[1].resources.limits.memory: quantity '1GB' is not a valid Kubernetes quantity"),
                arguments("bad extended resource quantity", pod + "  containers: [{name: a, resources: {limits: {nvidia.com/gpu: one}}}]",
                        "Pod default/web: spec.containers[0].resources.limits[nvidia.com/gpu]: quantity 'one' is not a valid Kubernetes quantity"),
                arguments("bad quantity of an uncounted resource still fails", pod + "  containers: [{name: a, resources: {requests: {storage: x}}}]",
                        "Pod default/web: spec.containers[0].resources.requests.storage: quantity 'x' is not a valid Kubernetes quantity"),
                arguments("negative request", pod + "  initContainers: [{name: a, resources: {requests: {cpu: '-1'}}}]",
                        "Pod default/web: spec.initContainers[0].resources.requests.cpu: quantity '-1' must not be negative"),
                arguments("quantity of the wrong type", pod + "  overhead: {cpu: true}",
                        "Pod default/web: spec.overhead.cpu: expected a quantity (a string or a number), got a boolean (true)"),
                arguments("cpu too large for millicores", pod + "  containers: [{name: a, resources: {requests: {cpu: '1e30'}}}]",
                        "Pod default/web: spec.containers[0].resources.requests.cpu: quantity '1e30' is too large: its value in thousandths does not fit in a signed 64-bit integer"),
                arguments("unknown node selector operator", pod + """
                          affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Like, values: [x]}]}]}}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: unknown node selector operator 'Like' (want In, NotIn, Exists, DoesNotExist, Gt or Lt)"),
                arguments("operator missing", pod + """
                          affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchFields: [{key: metadata.name}]}}]}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchFields[0].operator: is required (In, NotIn, Exists, DoesNotExist, Gt or Lt)"),
                arguments("In without values", pod + """
                          affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: In}]}]}}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: operator In needs at least one value"),
                arguments("Exists with values", pod + """
                          affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists, values: [x]}]}]}}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: operator Exists takes no values, got [x]"),
                arguments("Gt with two values", pod + """
                          affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Gt, values: ["1", "2"]}]}]}}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: operator Gt needs exactly one value, got [1, 2]"),
                arguments("requirement without key", pod + """
                          affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{operator: Exists}]}]}}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key: is required"),
                arguments("preferred weight out of range", pod + """
                          affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 101, preference: {}}]}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: must be in the range 1-100, got 101"),
                arguments("preferred weight missing", pod + """
                          affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{preference: {}}]}}
                        """, "Pod default/web: spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: must be in the range 1-100, got null"),
                arguments("unknown toleration operator", pod + "  tolerations: [{key: a, operator: In, value: b}]",
                        "Pod default/web: spec.tolerations[0].operator: unknown toleration operator 'In' (want Equal or Exists)"),
                arguments("unknown toleration effect", pod + "  tolerations: [{key: a, operator: Exists}, {key: b, operator: Exists, effect: NoWay}]",
                        "Pod default/web: spec.tolerations[1].effect: unknown taint effect 'NoWay' (want NoSchedule, PreferNoSchedule or NoExecute)"),
                arguments("containers not an array", pod + "  containers: {name: a}",
                        "Pod default/web: spec.containers: expected an array, got an object"),
                arguments("container not an object", pod + "  containers: [nginx]",
                        "Pod default/web: spec.containers[0]: expected an object, got a string"),
                arguments("priority as a string", pod + "  priority: \"100\"",
                        "Pod default/web: spec.priority: expected a 32-bit integer, got a string"),
                arguments("priority not an integer", pod + "  priority: 1.5",
                        "Pod default/web: spec.priority: expected a 32-bit integer, got a number (1.5)"),
                arguments("priority beyond int32", pod + "  priority: 3000000000",
                        "Pod default/web: spec.priority: expected a 32-bit integer, got a number (3000000000)"),
                arguments("hostPort as a string", pod + "  containers: [{name: a, ports: [{containerPort: 80, hostPort: '80'}]}]",
                        "Pod default/web: spec.containers[0].ports[0].hostPort: expected a 32-bit integer, got a string"),
                arguments("label value a number", "kind: Pod\nmetadata: {name: web, labels: {version: 2}}",
                        "Pod default/web: metadata.labels.version: expected a string, got a number (2)"),
                arguments("nodeSelector value a boolean", pod + "  nodeSelector: {gpu: true}",
                        "Pod default/web: spec.nodeSelector.gpu: expected a string, got a boolean (true)"),
                arguments("schedulerName not a string", pod + "  schedulerName: [a]",
                        "Pod default/web: spec.schedulerName: expected a string, got an array"),
                arguments("spec not an object", "kind: Pod\nmetadata: {name: web}\nspec: [1]",
                        "Pod default/web: spec: expected an object, got an array"),
                arguments("tolerationSeconds not an integer", pod + "  tolerations: [{key: a, operator: Exists, tolerationSeconds: soon}]",
                        "Pod default/web: spec.tolerations[0].tolerationSeconds: expected a 64-bit integer, got a string"),
                arguments("bad creationTimestamp", "kind: Pod\nmetadata: {name: web, namespace: shop, creationTimestamp: yesterday}",
                        "Pod shop/web: metadata.creationTimestamp: 'yesterday' is not an RFC 3339 time (like 2024-05-01T12:00:00Z)"),
                arguments("scheduling gate without name", pod + "  schedulingGates: [{}]",
                        "Pod default/web: spec.schedulingGates[0].name: is required"),
                arguments("pod without name", "kind: Pod\nmetadata: {namespace: shop}",
                        "Pod shop/<unnamed>: metadata.name: is required"),
                arguments("pod given a Node", "kind: Node\nmetadata: {name: web}",
                        "Pod default/web: kind: expected Pod, got 'Node'"),
                arguments("pod not an object", "[1, 2]", "Pod: expected a JSON object, got an array"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedPods(String name, String yaml, String message) {
        var e = assertThrows(ManifestException.class, () -> ModelReader.pod(yaml(yaml)));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> malformedNodes() {
        String node = "kind: Node\nmetadata: {name: n1}\n";
        return Stream.of(
                arguments("unknown taint effect", node + "spec: {taints: [{key: a, effect: NoSchedule}, {key: b, effect: Evict}]}",
                        "Node n1: spec.taints[1].effect: unknown taint effect 'Evict' (want NoSchedule, PreferNoSchedule or NoExecute)"),
                arguments("taint without effect", node + "spec: {taints: [{key: a, value: b}]}",
                        "Node n1: spec.taints[0].effect: is required (NoSchedule, PreferNoSchedule or NoExecute)"),
                arguments("taint without key", node + "spec: {taints: [{effect: NoSchedule}]}",
                        "Node n1: spec.taints[0].key: is required"),
                arguments("unschedulable as a string", node + "spec: {unschedulable: 'yes'}",
                        "Node n1: spec.unschedulable: expected a boolean, got a string"),
                arguments("bad allocatable", node + "status: {allocatable: {memory: 16 GiB}}",
                        "Node n1: status.allocatable.memory: quantity '16 GiB' is not a valid Kubernetes quantity"),
                arguments("bad capacity used as fallback", node + "status: {capacity: {pods: lots}}",
                        "Node n1: status.capacity.pods: quantity 'lots' is not a valid Kubernetes quantity"),
                arguments("negative allocatable", node + "status: {allocatable: {cpu: -2}}",
                        "Node n1: status.allocatable.cpu: quantity '-2' must not be negative"),
                arguments("image names not strings", node + "status: {images: [{names: [1], sizeBytes: 1}]}",
                        "Node n1: status.images[0].names[0]: expected a string, got a number (1)"),
                arguments("image size not an integer", node + "status: {images: [{names: [a], sizeBytes: big}]}",
                        "Node n1: status.images[0].sizeBytes: expected a 64-bit integer, got a string"),
                arguments("labels not an object", "kind: Node\nmetadata: {name: n1, labels: [a]}",
                        "Node n1: metadata.labels: expected an object, got an array"),
                arguments("node without name", "kind: Node\nmetadata: {}", "Node <unnamed>: metadata.name: is required"),
                arguments("node given a Pod", "kind: Pod\nmetadata: {name: n1}", "Node n1: kind: expected Node, got 'Pod'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedNodes")
    void rejectsMalformedNodes(String name, String yaml, String message) {
        var e = assertThrows(ManifestException.class, () -> ModelReader.node(yaml(yaml)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void readsPartsOnTheirOwn() {
        assertEquals(new Toleration("k", Toleration.Operator.EXISTS, "", TaintEffect.NO_SCHEDULE, null),
                ModelReader.toleration(yaml("{key: k, operator: Exists, effect: NoSchedule}")));
        assertEquals(new Taint("k", "v", TaintEffect.NO_EXECUTE), ModelReader.taint(yaml("{key: k, value: v, effect: NoExecute}")));
        assertEquals(res("cpu", "1500m", "memory", "2Gi"), ModelReader.resources(yaml("{cpu: 1.5, memory: 2Gi}")));
        assertEquals(Resources.ZERO, ModelReader.resources(null));
        assertEquals(Resources.ZERO, ModelReader.resources(NullNode.instance));
        assertEquals(new NodeSelector(List.of(new NodeSelectorTerm(
                        List.of(new NodeSelectorRequirement("a", Operator.EXISTS, List.of())), List.of()))),
                ModelReader.nodeSelector(yaml("{nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists}]}]}")));
        assertNull(ModelReader.nodeSelector(null));
        assertEquals(NodeAffinity.NONE, ModelReader.nodeAffinity(null));
        assertEquals(NodeAffinity.NONE, ModelReader.nodeAffinity(NullNode.instance));
        assertEquals(new NodeAffinity(null, List.of(new PreferredSchedulingTerm(5, new NodeSelectorTerm(List.of(), List.of())))),
                ModelReader.nodeAffinity(yaml("{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 5, preference: {}}]}")));
    }

    static Stream<Arguments> malformedParts() {
        return Stream.of(
                arguments("toleration operator", (Runnable) () -> ModelReader.toleration(yaml("{key: k, operator: Gt, value: '1'}")),
                        "Toleration: operator: unknown toleration operator 'Gt' (want Equal or Exists)"),
                arguments("taint effect", (Runnable) () -> ModelReader.taint(yaml("{key: k, effect: noschedule}")),
                        "Taint: effect: unknown taint effect 'noschedule' (want NoSchedule, PreferNoSchedule or NoExecute)"),
                arguments("resource quantity", (Runnable) () -> ModelReader.resources(yaml("{cpu: 2 cores}")),
                        "ResourceList: cpu: quantity '2 cores' is not a valid Kubernetes quantity"),
                arguments("resources not an object", (Runnable) () -> ModelReader.resources(yaml("[cpu]")),
                        "ResourceList: expected an object, got an array"),
                arguments("node selector terms", (Runnable) () -> ModelReader.nodeSelector(yaml("{nodeSelectorTerms: {}}")),
                        "NodeSelector: nodeSelectorTerms: expected an array, got an object"),
                arguments("node affinity operator", (Runnable) () -> ModelReader.nodeAffinity(yaml(
                                "{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: k, operator: in, values: [x]}]}]}}")),
                        "NodeAffinity: requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].operator: unknown node selector operator 'in' (want In, NotIn, Exists, DoesNotExist, Gt or Lt)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedParts")
    void rejectsMalformedParts(String name, Runnable read, String message) {
        var e = assertThrows(ManifestException.class, read::run);
        assertEquals(message, e.getMessage());
    }

    @Test
    void errorsAreRuntimeExceptions() {
        assertTrue(RuntimeException.class.isAssignableFrom(ManifestException.class));
    }
}
