package dev.berth.proxy.rules;

import static dev.berth.proxy.model.Protocol.TCP;

import dev.berth.proxy.model.Endpoint;
import dev.berth.proxy.model.EndpointConditions;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.model.SessionAffinity;
import dev.berth.proxy.model.TrafficPolicy;
import java.util.List;

/** A node, its neighbours and a cluster with one Service of each interesting kind. */
final class Fixtures {
    static final String NODE = "test-node";
    static final String NODE_IP = "192.168.0.2";
    static final String CLUSTER_CIDR = "10.0.0.0/8";
    static final String POD = "10.0.0.2";
    static final String EXTERNAL_CLIENT = "203.0.113.2";
    static final String EXTERNAL_CLIENT_DENIED = "203.0.113.200";

    private Fixtures() {
    }

    static NodeConfig.Builder node() {
        return NodeConfig.builder(NODE).nodeIPs(NODE_IP).clusterCIDR(CLUSTER_CIDR);
    }

    static EndpointSlice slice(String ns, String svc, Endpoint... endpoints) {
        var b = EndpointSlice.builder(ns, svc, svc + "-abcde").port("p80", TCP, 80);
        for (var ep : endpoints) {
            b.endpoint(ep);
        }
        return b.build();
    }

    static Endpoint ep(String ip, String node) {
        return Endpoint.of(ip, node);
    }

    static Service clusterIP(String ns, String name, String ip) {
        return Service.builder(ns, name).clusterIPs(ip).port("p80", TCP, 80).build();
    }

    /** The kinds of Service kube-proxy's own tests exercise, plus policies, affinity and fallbacks. */
    static ProxyState cluster() {
        var services = List.of(
                clusterIP("ns1", "svc1", "172.30.0.41"),
                Service.builder("ns2", "svc2").type(ServiceType.LOAD_BALANCER).clusterIPs("172.30.0.42")
                        .port("p80", TCP, 80, 3001).loadBalancerIPs("1.2.3.4").externalIPs("192.168.99.22")
                        .externalTrafficPolicy(TrafficPolicy.LOCAL).healthCheckNodePort(30000).build(),
                Service.builder("ns3", "svc3").type(ServiceType.NODE_PORT).clusterIPs("172.30.0.43")
                        .port("p80", TCP, 80, 3003).build(),
                Service.builder("ns4", "svc4").clusterIPs("172.30.0.44").externalIPs("192.168.99.33")
                        .port("p80", TCP, 80).build(),
                Service.builder("ns5", "svc5").type(ServiceType.LOAD_BALANCER).clusterIPs("172.30.0.45")
                        .port("p80", TCP, 80, 3002).loadBalancerIPs("5.6.7.8")
                        .loadBalancerSourceRanges(" 203.0.113.0/25").healthCheckNodePort(30000)
                        .sessionAffinity(SessionAffinity.clientIP(10800)).build(),
                Service.builder("ns6", "svc6").type(ServiceType.NODE_PORT).clusterIPs("172.30.0.46")
                        .externalIPs("192.168.99.66").port("p80", TCP, 80, 3006).build(),
                Service.builder("ns7", "svc7").type(ServiceType.LOAD_BALANCER).clusterIPs("172.30.0.47")
                        .port("p80", TCP, 80, 3007).loadBalancerIPs("5.6.7.9")
                        .externalTrafficPolicy(TrafficPolicy.LOCAL).healthCheckNodePort(30007).build(),
                Service.builder("ns8", "svc8").clusterIPs("172.30.0.48").port("p80", TCP, 80)
                        .internalTrafficPolicy(TrafficPolicy.LOCAL).build(),
                Service.builder("ns9", "svc9").clusterIPs("172.30.0.49").port("p80", TCP, 80)
                        .internalTrafficPolicy(TrafficPolicy.LOCAL).build(),
                clusterIP("ns10", "svc10", "172.30.0.50"),
                clusterIP("ns11", "svc11", "172.30.0.51"),
                Service.builder("ns12", "dns").clusterIPs("172.30.0.10")
                        .port("dns", dev.berth.proxy.model.Protocol.UDP, 53)
                        .port("dns-tcp", TCP, 53).build(),
                // Services a proxy must leave alone.
                Service.builder("skip", "headless").clusterIPs("None").port("p80", TCP, 80).build(),
                Service.builder("skip", "external-name").type(ServiceType.EXTERNAL_NAME).port("p80", TCP, 80).build(),
                Service.builder("skip", "other-proxy").clusterIPs("172.30.0.99").port("p80", TCP, 80)
                        .label(Service.SERVICE_PROXY_NAME_LABEL, "someone-else").build());
        var slices = List.of(
                slice("ns1", "svc1", ep("10.180.0.1", "node2")),
                slice("ns2", "svc2", ep("10.180.0.2", "node2")),
                slice("ns3", "svc3", ep("10.180.0.3", "node2")),
                slice("ns4", "svc4", ep("10.180.0.4", "node2"), ep("10.180.0.5", NODE)),
                slice("ns5", "svc5", ep("10.180.0.3", "node2")),
                slice("ns7", "svc7", ep("10.180.0.7", NODE), ep("10.180.1.7", "node2")),
                slice("ns8", "svc8", ep("10.180.1.8", "node2")),
                slice("ns9", "svc9", ep("10.180.0.9", NODE), ep("10.180.1.9", "node2")),
                slice("ns10", "svc10",
                        ep("10.180.0.10", "node2").withConditions(EndpointConditions.SERVING_TERMINATING),
                        ep("10.180.0.11", "node2").withConditions(EndpointConditions.NOT_READY)),
                slice("ns11", "svc11", ep("10.180.0.12", "node2"),
                        ep("10.180.0.13", "node2").withConditions(EndpointConditions.SERVING_TERMINATING)),
                EndpointSlice.builder("ns12", "dns", "dns-xyz").port("dns", dev.berth.proxy.model.Protocol.UDP, 53)
                        .port("dns-tcp", TCP, 5353).endpoint("10.180.0.53", "node2").build(),
                slice("skip", "other-proxy", ep("10.180.9.9", "node2")));
        return new ProxyState(services, slices);
    }
}
