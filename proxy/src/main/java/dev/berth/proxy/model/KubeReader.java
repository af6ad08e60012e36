package dev.berth.proxy.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Services ({@code v1}) and EndpointSlices ({@code discovery.k8s.io/v1} and {@code v1beta1}) from API
 * JSON trees. Fields it does not know are ignored, so objects from newer servers read fine; a field with
 * the wrong shape is an error naming the object and the field.
 */
public final class KubeReader {
    private static final String V1BETA1_HOSTNAME = "kubernetes.io/hostname";
    private static final String V1BETA1_ZONE = "topology.kubernetes.io/zone";

    private KubeReader() {
    }

    /** Reads one v1 Service object. */
    public static Service service(JsonNode json) {
        var meta = json.path("metadata");
        var where = "Service " + meta.path("namespace").asText() + "/" + meta.path("name").asText();
        try {
            var spec = json.path("spec");
            var b = Service.builder(required(meta, "namespace"), required(meta, "name"));
            labels(meta).forEach(b::label);
            b.type(ServiceType.parse(text(spec, "type")));
            var clusterIPs = strings(spec, "clusterIPs");
            if (clusterIPs.isEmpty() && !text(spec, "clusterIP").isEmpty()) {
                clusterIPs = List.of(text(spec, "clusterIP"));
            }
            b.clusterIPs(clusterIPs.toArray(String[]::new));
            var i = 0;
            for (var port : spec.path("ports")) {
                var field = "spec.ports[" + i++ + "]";
                b.port(new ServicePort(text(port, "name"), Protocol.parse(text(port, "protocol")),
                        integer(port, "port", field), port.path("targetPort").asText(""),
                        port.path("nodePort").asInt(0)));
            }
            b.externalIPs(strings(spec, "externalIPs").toArray(String[]::new));
            for (var ingress : json.path("status").path("loadBalancer").path("ingress")) {
                b.loadBalancerIngress(new LoadBalancerIngress(text(ingress, "ip"), text(ingress, "ipMode")));
            }
            if (text(spec, "sessionAffinity").equals("ClientIP")) {
                var timeout = spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds");
                b.sessionAffinity(SessionAffinity.clientIP(
                        timeout.isNumber() ? timeout.asInt() : SessionAffinity.DEFAULT_TIMEOUT_SECONDS));
            }
            b.externalTrafficPolicy(TrafficPolicy.parse(text(spec, "externalTrafficPolicy")));
            b.internalTrafficPolicy(TrafficPolicy.parse(text(spec, "internalTrafficPolicy")));
            b.healthCheckNodePort(spec.path("healthCheckNodePort").asInt(0));
            b.loadBalancerSourceRanges(strings(spec, "loadBalancerSourceRanges").toArray(String[]::new));
            return b.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads one EndpointSlice of either API version. v1beta1 keeps the node and zone in a {@code topology}
     * map and may lack the serving and terminating conditions; both shapes become the same value.
     */
    public static EndpointSlice endpointSlice(JsonNode json) {
        var meta = json.path("metadata");
        var where = "EndpointSlice " + meta.path("namespace").asText() + "/" + meta.path("name").asText();
        try {
            var apiVersion = text(json, "apiVersion");
            if (!apiVersion.isEmpty() && !apiVersion.equals("discovery.k8s.io/v1")
                    && !apiVersion.equals("discovery.k8s.io/v1beta1")) {
                throw new IllegalArgumentException("unsupported apiVersion '" + apiVersion + "'");
            }
            var namespace = required(meta, "namespace");
            var labels = labels(meta);
            var serviceName = labels.get(EndpointSlice.SERVICE_NAME_LABEL);
            var service = serviceName == null || serviceName.isEmpty() ? null : NamespacedName.of(namespace, serviceName);
            var endpoints = new ArrayList<Endpoint>();
            for (var ep : json.path("endpoints")) {
                var conditions = ep.path("conditions");
                var topology = ep.path("topology");
                var nodeName = text(ep, "nodeName");
                if (nodeName.isEmpty()) {
                    nodeName = text(topology, V1BETA1_HOSTNAME);
                }
                var zone = text(ep, "zone");
                if (zone.isEmpty()) {
                    zone = text(topology, V1BETA1_ZONE);
                }
                endpoints.add(new Endpoint(strings(ep, "addresses"),
                        new EndpointConditions(bool(conditions, "ready"), bool(conditions, "serving"),
                                bool(conditions, "terminating")),
                        nodeName, zone,
                        new EndpointHints(names(ep.path("hints").path("forZones")),
                                names(ep.path("hints").path("forNodes")))));
            }
            var ports = new ArrayList<EndpointPort>();
            for (var port : json.path("ports")) {
                var name = port.path("name");
                var number = port.path("port");
                ports.add(new EndpointPort(name.isTextual() ? name.asText() : null,
                        Protocol.parse(text(port, "protocol")), number.isNumber() ? number.asInt() : null));
            }
            return new EndpointSlice(NamespacedName.of(namespace, required(meta, "name")), service, labels,
                    AddressType.parse(required(json, "addressType")), endpoints, ports);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        var v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }

    private static String required(JsonNode node, String field) {
        var v = text(node, field);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v;
    }

    private static int integer(JsonNode node, String field, String where) {
        var v = node.path(field);
        if (!v.canConvertToInt()) {
            throw new IllegalArgumentException(where + "." + field + ": want an integer, got '" + v + "'");
        }
        return v.asInt();
    }

    private static Boolean bool(JsonNode node, String field) {
        var v = node.path(field);
        return v.isBoolean() ? v.asBoolean() : null;
    }

    private static List<String> strings(JsonNode node, String field) {
        var out = new ArrayList<String>();
        for (var v : node.path(field)) {
            out.add(v.asText());
        }
        return out;
    }

    private static List<String> names(JsonNode array) {
        var out = new ArrayList<String>();
        for (var v : array) {
            out.add(v.path("name").asText());
        }
        return out;
    }

    private static Map<String, String> labels(JsonNode meta) {
        var out = new LinkedHashMap<String, String>();
        meta.path("labels").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
