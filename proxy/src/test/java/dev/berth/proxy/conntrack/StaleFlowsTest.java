package dev.berth.proxy.conntrack;

import static dev.berth.proxy.model.Protocol.TCP;
import static dev.berth.proxy.model.Protocol.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.proxy.model.Endpoint;
import dev.berth.proxy.model.EndpointConditions;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which flows the reconciler deletes, for a UDP DNS-like Service (cluster IP, external IP, LB IP, NodePort). */
class StaleFlowsTest {
    private static final NodeConfig NODE = NodeConfig.builder("node1").build();
    private static final String CLUSTER_IP = "10.96.0.10";
    private static final String EXTERNAL_IP = "192.168.99.10";
    private static final String LB_IP = "1.2.3.4";
    private static final int NODE_PORT = 30053;
    private static final String CLIENT = "10.0.0.1";

    private static Service dns() {
        return Service.builder("kube-system", "dns").type(ServiceType.LOAD_BALANCER).clusterIPs(CLUSTER_IP)
                .port("dns", UDP, 53, NODE_PORT).externalIPs(EXTERNAL_IP).loadBalancerIPs(LB_IP).build();
    }

    private static EndpointSlice slice(Endpoint... endpoints) {
        var b = EndpointSlice.builder("kube-system", "dns", "dns-1").port("dns", UDP, 5353);
        for (var ep : endpoints) {
            b.endpoint(ep);
        }
        return b.build();
    }

    private static Flow udp(String dst, int dport, String replySrc) {
        return new Flow("udp", CLIENT, dst, 40000, dport, replySrc, CLIENT);
    }

    static Stream<Arguments> cases() {
        var serving = Endpoint.of("10.1.0.5", "node2");
        var state = new ProxyState(List.of(dns()), List.of(slice(serving)));
        return Stream.of(
                Arguments.of("a flow to a serving endpoint stays", state,
                        List.of(udp(CLUSTER_IP, 53, "10.1.0.5")), List.of()),
                Arguments.of("a flow to a removed endpoint goes", state,
                        List.of(udp(CLUSTER_IP, 53, "10.1.0.9")),
                        List.of(new Deletion.ServiceIp(CLUSTER_IP, "10.1.0.9"))),
                Arguments.of("a flow never DNATed (the Service had no endpoint) goes once one exists", state,
                        List.of(udp(CLUSTER_IP, 53, CLUSTER_IP)),
                        List.of(new Deletion.ServiceIp(CLUSTER_IP, CLUSTER_IP))),
                Arguments.of("external and load-balancer IPs count as service IPs", state,
                        List.of(udp(EXTERNAL_IP, 53, "10.1.0.9"), udp(LB_IP, 53, "10.1.0.5")),
                        List.of(new Deletion.ServiceIp(EXTERNAL_IP, "10.1.0.9"))),
                Arguments.of("a NodePort flow to a removed endpoint goes", state,
                        List.of(udp("192.168.0.2", NODE_PORT, "10.1.0.9")),
                        List.of(new Deletion.NodePort(NODE_PORT, "10.1.0.9"))),
                Arguments.of("with no endpoint left, every flow to the Service goes",
                        new ProxyState(List.of(dns()), List.of()),
                        List.of(udp(CLUSTER_IP, 53, "10.1.0.5")),
                        List.of(new Deletion.ServiceIp(CLUSTER_IP, "10.1.0.5"))),
                Arguments.of("a terminating endpoint still serving keeps its flows",
                        new ProxyState(List.of(dns()), List.of(slice(serving.withConditions(
                                EndpointConditions.SERVING_TERMINATING)))),
                        List.of(udp(CLUSTER_IP, 53, "10.1.0.5")), List.of()),
                Arguments.of("an endpoint no longer serving loses its flows",
                        new ProxyState(List.of(dns()), List.of(slice(serving.withConditions(
                                EndpointConditions.NOT_READY)))),
                        List.of(udp(CLUSTER_IP, 53, "10.1.0.5")),
                        List.of(new Deletion.ServiceIp(CLUSTER_IP, "10.1.0.5"))),
                Arguments.of("TCP flows are never touched", state,
                        List.of(new Flow("tcp", CLIENT, CLUSTER_IP, 40000, 53, "10.1.0.9", CLIENT)), List.of()),
                Arguments.of("TCP Services are not reconciled",
                        new ProxyState(List.of(Service.builder("ns", "web").clusterIPs("10.96.0.20")
                                .port("http", TCP, 80).build()), List.of()),
                        List.of(udp("10.96.0.20", 80, "10.1.0.9")), List.of()),
                Arguments.of("flows to other addresses stay", state,
                        List.of(udp("10.96.0.99", 53, "10.1.0.9")), List.of()),
                Arguments.of("two flows matching one filter give one deletion", state,
                        List.of(udp(CLUSTER_IP, 53, "10.1.0.9"), new Flow("udp", "10.0.0.2", CLUSTER_IP, 40001, 53,
                                "10.1.0.9", "10.0.0.2")),
                        List.of(new Deletion.ServiceIp(CLUSTER_IP, "10.1.0.9"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void staleFlowsAreThoseNotAnsweredByAServingEndpoint(String name, ProxyState state, List<Flow> flows,
                                                         List<Deletion> expected) {
        assertEquals(expected, StaleFlows.compute(flows, state, NODE));
    }

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("udp      17 29 src=10.0.0.1 dst=10.96.0.10 sport=40000 dport=53 [UNREPLIED] "
                                + "src=10.1.0.5 dst=10.0.0.1 sport=5353 dport=40000 mark=0 use=1",
                        new Flow("udp", "10.0.0.1", "10.96.0.10", 40000, 53, "10.1.0.5", "10.0.0.1")),
                Arguments.of("udp      17 12 src=fd00::1 dst=fd00::10 sport=1 dport=53 src=fd00::5 dst=fd00::1 sport=53 "
                                + "dport=1 [ASSURED] mark=0 use=1",
                        new Flow("udp", "fd00::1", "fd00::10", 1, 53, "fd00::5", "fd00::1")),
                Arguments.of("conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.", null),
                Arguments.of("", null));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("lines")
    void conntrackListLinesParse(String line, Flow expected) {
        assertEquals(expected, Flow.parse(line));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void deletionsBecomeConntrackFilters(Deletion d, List<String> args) {
        assertEquals(args, d.filterArgs());
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of(new Deletion.ServiceIp("10.96.0.10", "10.1.0.9"),
                        List.of("--orig-dst", "10.96.0.10", "--reply-src", "10.1.0.9")),
                Arguments.of(new Deletion.NodePort(30053, "10.1.0.9"),
                        List.of("--orig-port-dst", "30053", "--reply-src", "10.1.0.9")));
    }

    @org.junit.jupiter.api.Test
    void onlyUdpServicesOfThisProxyNeedAReconcile() {
        assertEquals(true, StaleFlows.anyUdpService(new ProxyState(List.of(dns()), List.of())));
        var web = Service.builder("ns", "web").clusterIPs("10.96.0.20").port("http", TCP, 80).build();
        assertEquals(false, StaleFlows.anyUdpService(new ProxyState(List.of(web), List.of())));
        var other = dns().toBuilder().label(Service.SERVICE_PROXY_NAME_LABEL, "other").build();
        assertEquals(false, StaleFlows.anyUdpService(new ProxyState(List.of(other), List.of())));
    }
}
