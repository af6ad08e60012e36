package dev.berth.proxy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubeReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void readsEveryServiceFieldTheProxyUses() {
        var svc = KubeReader.service(json("""
                {'apiVersion': 'v1', 'kind': 'Service',
                 'metadata': {'namespace': 'shop', 'name': 'web', 'labels': {'app': 'web'}, 'futureField': 1},
                 'spec': {'type': 'LoadBalancer', 'clusterIP': '10.96.0.10', 'clusterIPs': ['10.96.0.10', 'fd00::10'],
                          'ports': [{'name': 'http', 'protocol': 'TCP', 'port': 80, 'targetPort': 'web', 'nodePort': 30080},
                                    {'name': 'dns', 'protocol': 'UDP', 'port': 53, 'targetPort': 5353}],
                          'externalIPs': ['192.168.99.1'], 'sessionAffinity': 'ClientIP',
                          'sessionAffinityConfig': {'clientIP': {'timeoutSeconds': 60}},
                          'externalTrafficPolicy': 'Local', 'internalTrafficPolicy': 'Cluster',
                          'healthCheckNodePort': 31000, 'loadBalancerSourceRanges': ['203.0.113.0/24'],
                          'somethingNew': {'x': true}},
                 'status': {'loadBalancer': {'ingress': [{'ip': '1.2.3.4'}, {'ip': '1.2.3.5', 'ipMode': 'Proxy'},
                                                         {'hostname': 'lb.example'}]}}}
                """));
        assertEquals(NamespacedName.of("shop", "web"), svc.name());
        assertEquals(ServiceType.LOAD_BALANCER, svc.type());
        assertEquals(List.of("10.96.0.10", "fd00::10"), svc.clusterIPs());
        assertEquals(new ServicePort("http", Protocol.TCP, 80, "web", 30080), svc.ports().get(0));
        assertEquals(new ServicePort("dns", Protocol.UDP, 53, "5353", 0), svc.ports().get(1));
        assertEquals(List.of("192.168.99.1"), svc.externalIPs());
        assertEquals(SessionAffinity.clientIP(60), svc.sessionAffinity());
        assertEquals(TrafficPolicy.LOCAL, svc.externalTrafficPolicy());
        assertEquals(31000, svc.healthCheckNodePort());
        assertEquals(List.of("203.0.113.0/24"), svc.loadBalancerSourceRanges());
        assertEquals(3, svc.loadBalancerIngress().size());
        assertFalse(svc.loadBalancerIngress().get(1).isVip());
        assertTrue(svc.needsHealthCheck());
        assertNull(svc.skipReason());
    }

    @Test
    void appliesApiDefaults() {
        var svc = KubeReader.service(json("""
                {'metadata': {'namespace': 'ns', 'name': 'a'},
                 'spec': {'clusterIP': '10.96.0.1', 'ports': [{'port': 443}], 'sessionAffinity': 'ClientIP'}}
                """));
        assertEquals(ServiceType.CLUSTER_IP, svc.type());
        assertEquals(List.of("10.96.0.1"), svc.clusterIPs());
        assertEquals(ServicePort.of("", Protocol.TCP, 443), svc.ports().getFirst());
        assertEquals(SessionAffinity.clientIP(SessionAffinity.DEFAULT_TIMEOUT_SECONDS), svc.sessionAffinity());
        assertEquals(TrafficPolicy.CLUSTER, svc.externalTrafficPolicy());
    }

    @Test
    void skipsHeadlessExternalNameAndOtherProxiesServices() {
        var headless = KubeReader.service(json("{'metadata': {'namespace': 'ns', 'name': 'h'}, 'spec': {'clusterIP': 'None'}}"));
        assertTrue(headless.skipReason().contains("no cluster IP"));
        var externalName = KubeReader.service(json(
                "{'metadata': {'namespace': 'ns', 'name': 'e'}, 'spec': {'type': 'ExternalName', 'externalName': 'x.example'}}"));
        assertTrue(externalName.skipReason().contains("ExternalName"));
        var other = KubeReader.service(json("""
                {'metadata': {'namespace': 'ns', 'name': 'o',
                              'labels': {'service.kubernetes.io/service-proxy-name': 'cilium'}},
                 'spec': {'clusterIP': '10.96.0.2'}}"""));
        assertTrue(other.skipReason().contains("cilium"));
    }

    @Test
    void readsV1EndpointSlice() {
        var slice = KubeReader.endpointSlice(json("""
                {'apiVersion': 'discovery.k8s.io/v1', 'kind': 'EndpointSlice',
                 'metadata': {'namespace': 'shop', 'name': 'web-abc', 'labels': {'kubernetes.io/service-name': 'web'}},
                 'addressType': 'IPv4',
                 'endpoints': [{'addresses': ['10.1.0.5'], 'conditions': {'ready': false, 'serving': true, 'terminating': true},
                                'nodeName': 'n1', 'zone': 'z1',
                                'hints': {'forZones': [{'name': 'z1'}], 'forNodes': [{'name': 'n1'}]}, 'newThing': 1}],
                 'ports': [{'name': 'http', 'protocol': 'TCP', 'port': 8080, 'appProtocol': 'http'}, {'port': 9}]}
                """));
        assertEquals(NamespacedName.of("shop", "web"), slice.service());
        assertEquals(AddressType.IPV4, slice.addressType());
        var ep = slice.endpoints().getFirst();
        assertEquals(new EndpointConditions(false, true, true), ep.conditions());
        assertEquals("n1", ep.nodeName());
        assertEquals("z1", ep.zone());
        assertEquals(new EndpointHints(List.of("z1"), List.of("n1")), ep.hints());
        assertEquals(EndpointPort.of("http", Protocol.TCP, 8080), slice.ports().get(0));
        assertNull(slice.ports().get(1).name(), "an omitted port name stays absent, as kube-proxy treats it");
    }

    @Test
    void readsV1beta1TopologyAndReadyOnly() {
        var slice = KubeReader.endpointSlice(json("""
                {'apiVersion': 'discovery.k8s.io/v1beta1', 'kind': 'EndpointSlice',
                 'metadata': {'namespace': 'ns', 'name': 's', 'labels': {'kubernetes.io/service-name': 'svc'}},
                 'addressType': 'IPv4',
                 'endpoints': [{'addresses': ['10.1.0.5'], 'conditions': {'ready': true},
                                'topology': {'kubernetes.io/hostname': 'n1', 'topology.kubernetes.io/zone': 'z1'}}],
                 'ports': [{'name': '', 'protocol': 'UDP', 'port': 53}]}
                """));
        var ep = slice.endpoints().getFirst();
        assertEquals("n1", ep.nodeName());
        assertEquals("z1", ep.zone());
        assertTrue(ep.conditions().isReady());
        assertTrue(ep.conditions().isServing());
        assertFalse(ep.conditions().isTerminating());
        assertEquals(EndpointPort.of("", Protocol.UDP, 53), slice.ports().getFirst());
    }

    @Test
    void errorsNameTheObjectAndField() {
        var e = assertThrows(IllegalArgumentException.class, () -> KubeReader.service(json(
                "{'metadata': {'namespace': 'ns', 'name': 'bad'}, 'spec': {'ports': [{'port': 'eighty'}]}}")));
        assertTrue(e.getMessage().contains("Service ns/bad") && e.getMessage().contains("spec.ports[0].port"),
                e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> KubeReader.endpointSlice(json(
                "{'metadata': {'namespace': 'ns', 'name': 's'}, 'addressType': 'IPv5'}")));
        assertTrue(e2.getMessage().contains("EndpointSlice ns/s") && e2.getMessage().contains("IPv5"), e2.getMessage());
    }
}
