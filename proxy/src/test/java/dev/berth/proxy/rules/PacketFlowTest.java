package dev.berth.proxy.rules;

import static dev.berth.proxy.rules.Fixtures.EXTERNAL_CLIENT;
import static dev.berth.proxy.rules.Fixtures.EXTERNAL_CLIENT_DENIED;
import static dev.berth.proxy.rules.Fixtures.NODE_IP;
import static dev.berth.proxy.rules.Fixtures.POD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.proxy.model.Protocol;
import dev.berth.proxy.trace.PacketTracer;
import dev.berth.proxy.trace.PacketTracer.Packet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Traces packets through the rules generated for {@link Fixtures#cluster()} and checks where they end up. */
class PacketFlowTest {
    private static final PacketTracer TRACER = tracer(Fixtures.node().build());

    static PacketTracer tracer(NodeConfig config) {
        return new PacketTracer(RuleGenerator.generate(Fixtures.cluster(), config).restoreInput(), List.of(NODE_IP));
    }

    /** One packet and what should become of it: DNAT targets or a verdict, and whether it is masqueraded. */
    record Flow(String name, String source, String destination, int port, String output, boolean masquerade,
                Protocol protocol) {
        Flow(String name, String source, String destination, int port, String output, boolean masquerade) {
            this(name, source, destination, port, output, masquerade, Protocol.TCP);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Flow> flows() {
        return Stream.of(
                new Flow("no service at that address", POD, "10.0.0.3", 80, "", false),
                new Flow("pod to cluster IP", POD, "172.30.0.41", 80, "10.180.0.1:80", false),
                new Flow("pod to cluster IP, wrong port", POD, "172.30.0.41", 81, "", false),
                new Flow("off-cluster source to cluster IP is masqueraded", EXTERNAL_CLIENT, "172.30.0.41", 80,
                        "10.180.0.1:80", true),
                new Flow("hairpin: endpoint reaching itself is masqueraded", "10.180.0.1", "172.30.0.41", 80,
                        "10.180.0.1:80", true),
                new Flow("cluster IP spreads over endpoints", POD, "172.30.0.44", 80,
                        "10.180.0.4:80, 10.180.0.5:80", false),
                new Flow("external IP, Cluster policy", EXTERNAL_CLIENT, "192.168.99.33", 80,
                        "10.180.0.4:80, 10.180.0.5:80", true),
                new Flow("NodePort from outside", EXTERNAL_CLIENT, NODE_IP, 3003, "10.180.0.3:80", true),
                new Flow("NodePort on localhost", NODE_IP, "127.0.0.1", 3003, "10.180.0.3:80", true),
                new Flow("NodePort from a pod", POD, NODE_IP, 3003, "10.180.0.3:80", true),
                new Flow("Local policy, no local endpoint: external IP dropped", EXTERNAL_CLIENT, "192.168.99.22", 80,
                        "DROP", false),
                new Flow("Local policy, no local endpoint: LB IP dropped", EXTERNAL_CLIENT, "1.2.3.4", 80, "DROP", false),
                new Flow("Local policy, no local endpoint: NodePort dropped", EXTERNAL_CLIENT, NODE_IP, 3001, "DROP",
                        false),
                new Flow("Local policy: pods short-circuit to all endpoints", POD, "192.168.99.22", 80, "10.180.0.2:80",
                        false),
                new Flow("Local policy: the node itself short-circuits, masqueraded", NODE_IP, "192.168.99.22", 80,
                        "10.180.0.2:80", true),
                new Flow("Local policy: cluster IP still uses all endpoints", POD, "172.30.0.42", 80, "10.180.0.2:80",
                        false),
                new Flow("health-check node port accepted", NODE_IP, NODE_IP, 30000, "ACCEPT", false),
                new Flow("health-check node port accepted from outside", EXTERNAL_CLIENT, NODE_IP, 30007, "ACCEPT",
                        false),
                new Flow("LB source range allows", EXTERNAL_CLIENT, "5.6.7.8", 80, "10.180.0.3:80", true),
                new Flow("LB source range denies", EXTERNAL_CLIENT_DENIED, "5.6.7.8", 80, "DROP", false),
                new Flow("source ranges do not apply to the NodePort", EXTERNAL_CLIENT_DENIED, NODE_IP, 3002,
                        "10.180.0.3:80", true),
                new Flow("Local policy with local endpoint: LB IP keeps source", EXTERNAL_CLIENT, "5.6.7.9", 80,
                        "10.180.0.7:80", false),
                new Flow("Local policy with local endpoint: NodePort keeps source", EXTERNAL_CLIENT, NODE_IP, 3007,
                        "10.180.0.7:80", false),
                new Flow("Local policy with local endpoint: pod to LB IP uses all", POD, "5.6.7.9", 80,
                        "10.180.0.7:80, 10.180.1.7:80", false),
                new Flow("internal Local policy, no local endpoint: dropped", POD, "172.30.0.48", 80, "DROP", false),
                new Flow("internal Local policy: only the local endpoint", POD, "172.30.0.49", 80, "10.180.0.9:80",
                        false),
                new Flow("no endpoints: cluster IP rejected", POD, "172.30.0.46", 80, "REJECT", false),
                new Flow("no endpoints: external IP rejected", EXTERNAL_CLIENT, "192.168.99.66", 80, "REJECT", false),
                new Flow("no endpoints: NodePort rejected", EXTERNAL_CLIENT, NODE_IP, 3006, "REJECT", false),
                new Flow("no ready endpoint: serving terminating one used", POD, "172.30.0.50", 80,
                        "10.180.0.10:80", false),
                new Flow("a ready endpoint wins over terminating ones", POD, "172.30.0.51", 80, "10.180.0.12:80", false),
                new Flow("UDP port", POD, "172.30.0.10", 53, "10.180.0.53:53", false, Protocol.UDP),
                new Flow("TCP port of the same Service, other target port", POD, "172.30.0.10", 53,
                        "10.180.0.53:5353", false, Protocol.TCP),
                new Flow("SCTP matches neither", POD, "172.30.0.10", 53, "", false, Protocol.SCTP),
                new Flow("Service naming another proxy is left alone", POD, "172.30.0.99", 80, "", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flows")
    void packetEndsUpWhereKubeProxyWouldSendIt(Flow flow) {
        assertFlow(TRACER, flow);
    }

    static Stream<Arguments> configVariants() {
        return Stream.of(
                Arguments.of("masquerade-all masquerades pods too", Fixtures.node().masqueradeAll(true).build(),
                        new Flow("pod to cluster IP", POD, "172.30.0.41", 80, "10.180.0.1:80", true)),
                Arguments.of("without a cluster CIDR nothing marks off-cluster traffic",
                        dev.berth.proxy.rules.NodeConfig.builder(Fixtures.NODE).nodeIPs(NODE_IP).build(),
                        new Flow("outside to cluster IP", EXTERNAL_CLIENT, "172.30.0.41", 80, "10.180.0.1:80", false)),
                Arguments.of("localhost NodePorts off", Fixtures.node().localhostNodePorts(false).build(),
                        new Flow("NodePort on localhost", NODE_IP, "127.0.0.1", 3003, "", false)),
                Arguments.of("NodePorts limited to one address", Fixtures.node().nodePortAddresses(NODE_IP).build(),
                        new Flow("NodePort on localhost", NODE_IP, "127.0.0.1", 3003, "", false)),
                Arguments.of("NodePorts limited to one address still answer there",
                        Fixtures.node().nodePortAddresses(NODE_IP).build(),
                        new Flow("NodePort on the node IP", EXTERNAL_CLIENT, NODE_IP, 3003, "10.180.0.3:80", true)),
                Arguments.of("LB source ranges apply to pods as well", Fixtures.node().build(),
                        new Flow("pod outside the range", "10.1.2.3", "5.6.7.8", 80, "DROP", false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configVariants")
    void nodeConfigChangesTheFlow(String name, NodeConfig config, Flow flow) {
        assertFlow(tracer(config), flow);
    }

    private static void assertFlow(PacketTracer tracer, Flow flow) {
        var trace = tracer.trace(new Packet(flow.source(), flow.destination(), flow.protocol(), flow.port()));
        var how = flow.name() + "\nmatched:\n  " + String.join("\n  ", trace.matched());
        assertEquals(flow.output(), trace.output(), how);
        assertEquals(flow.masquerade(), trace.masquerade(), "masquerade: " + how);
    }
}
