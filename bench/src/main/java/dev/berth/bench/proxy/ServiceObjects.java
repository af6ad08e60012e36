package dev.berth.bench.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.bench.sidebyside.Api;

import java.util.List;

/**
 * The proxy side-by-side cluster as API objects: Services {@code svc-00000...} in one namespace, one TCP port
 * each ({@code http}, 80 → 8080), every tenth a NodePort; one v1beta1 EndpointSlice per Service with
 * {@value #ENDPOINTS} ready endpoints on other nodes; and the two proxies' Node objects. Endpoint addresses are
 * unique across the cluster and inside {@link #CLUSTER_CIDR}.
 */
final class ServiceObjects {
    static final String NAMESPACE = "pbench";
    static final String CLUSTER_CIDR = "10.244.0.0/14";
    static final int ENDPOINTS = 10;
    static final int PORT = 80;
    static final int TARGET_PORT = 8080;
    static final String PORT_NAME = "http";
    static final String SLICES = "/apis/discovery.k8s.io/v1beta1/namespaces/" + NAMESPACE + "/endpointslices";
    static final String SERVICES = "/api/v1/namespaces/" + NAMESPACE + "/services";

    private ServiceObjects() {}

    static String serviceName(int i) {
        return "svc-%05d".formatted(i);
    }

    static String sliceName(int i) {
        return serviceName(i) + "-1";
    }

    /** kube-proxy's service port name, the input of its chain-name hashes. */
    static String servicePortName(int i) {
        return NAMESPACE + "/" + serviceName(i) + ":" + PORT_NAME;
    }

    static boolean isNodePort(int i) {
        return i % 10 == 0;
    }

    /** Endpoint {@code j} of Service {@code i}: {@code 10.244.0.0} + {@code i * 10 + j} (under 262,144 of them). */
    static String endpointIP(int i, int j) {
        return ip(244, i * ENDPOINTS + j);
    }

    /** The {@code n}-th address handed out by endpoint changes: {@code 10.246.0.0} + n. */
    static String changedIP(int n) {
        return ip(246, n);
    }

    private static String ip(int second, int offset) {
        return "10." + (second + (offset >> 16)) + "." + (offset >> 8 & 0xff) + "." + (offset & 0xff);
    }

    static ObjectNode namespace() {
        ObjectNode ns = Api.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", NAMESPACE);
        return ns;
    }

    /** A Node with only what a proxy reads: its name, hostname label and InternalIP (no kubelet runs). */
    static ObjectNode node(String name, String internalIP) {
        ObjectNode o = Api.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        o.putObject("metadata").put("name", name).putObject("labels").put("kubernetes.io/hostname", name);
        ObjectNode status = o.putObject("status");
        status.putArray("addresses").addObject().put("type", "InternalIP").put("address", internalIP);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True").put("reason", "KubeletReady");
        return o;
    }

    static ObjectNode service(int i) {
        ObjectNode o = Api.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        o.putObject("metadata").put("name", serviceName(i));
        ObjectNode spec = o.putObject("spec").put("type", isNodePort(i) ? "NodePort" : "ClusterIP");
        spec.putArray("ports").addObject().put("name", PORT_NAME).put("port", PORT).put("targetPort", TARGET_PORT)
                .put("protocol", "TCP");
        return o;
    }

    /** The slice of Service {@code i} with the given addresses, all ready, on nodes {@code worker-0..99}. */
    static ObjectNode slice(int i, List<String> addresses) {
        ObjectNode o = Api.JSON.createObjectNode().put("apiVersion", "discovery.k8s.io/v1beta1").put("kind", "EndpointSlice");
        o.putObject("metadata").put("name", sliceName(i)).putObject("labels")
                .put("kubernetes.io/service-name", serviceName(i))
                .put("endpointslice.kubernetes.io/managed-by", "berth-bench");
        o.put("addressType", "IPv4");
        o.set("endpoints", endpoints(i, addresses));
        o.putArray("ports").addObject().put("name", PORT_NAME).put("port", TARGET_PORT).put("protocol", "TCP");
        return o;
    }

    static ObjectNode slice(int i) {
        return slice(i, initialAddresses(i));
    }

    static List<String> initialAddresses(int i) {
        return java.util.stream.IntStream.range(0, ENDPOINTS).mapToObj(j -> endpointIP(i, j)).toList();
    }

    /** A merge patch replacing the slice's endpoint list. */
    static ObjectNode endpointsPatch(int i, List<String> addresses) {
        ObjectNode o = Api.JSON.createObjectNode();
        o.set("endpoints", endpoints(i, addresses));
        return o;
    }

    private static ArrayNode endpoints(int i, List<String> addresses) {
        ArrayNode eps = Api.JSON.createArrayNode();
        for (int j = 0; j < addresses.size(); j++) {
            ObjectNode ep = eps.addObject();
            ep.putArray("addresses").add(addresses.get(j));
            ep.putObject("conditions").put("ready", true);
            ep.putObject("topology").put("kubernetes.io/hostname", "worker-" + (i * ENDPOINTS + j) % 100);
        }
        return eps;
    }
}
