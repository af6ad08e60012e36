package dev.berth.scheduler.plugins.nodeports;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin.PreFilterResult;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.ContainerPort;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodePortsTest {
    private final NodePorts plugin = (NodePorts) NodePorts.factory().create(null, null);

    /** A pod with one container holding the host ports, each written "PROTOCOL/hostIP/hostPort". */
    static Pod pod(String... hostPorts) {
        List<ContainerPort> ports = new ArrayList<>();
        for (String spec : hostPorts) {
            String[] p = spec.split("/", -1);
            ports.add(new ContainerPort(0, Integer.parseInt(p[2]), p[0], p[1]));
        }
        return Pod.builder("p" + ports.hashCode())
                .container(new Container("c", "img", null, null, ports, null)).build();
    }

    /** A node running one pod that holds these host ports. */
    static NodeInfo nodeWith(String... hostPorts) {
        return NodeInfo.of(Node.builder("m1").build(), List.of(PodInfo.of(pod(hostPorts))));
    }

    static Stream<Arguments> cases() {
        Status conflict = Status.unschedulable(NodePorts.ERR_REASON);
        return Stream.of(
                Arguments.of("other port", pod("UDP/127.0.0.1/8080"), nodeWith("UDP/127.0.0.1/9090"), Status.SUCCESS),
                Arguments.of("same udp port", pod("UDP/127.0.0.1/8080"), nodeWith("UDP/127.0.0.1/8080"), conflict),
                Arguments.of("same tcp port", pod("TCP/127.0.0.1/8080"), nodeWith("TCP/127.0.0.1/8080"), conflict),
                Arguments.of("different host ip", pod("TCP/127.0.0.1/8080"), nodeWith("TCP/127.0.0.2/8080"), Status.SUCCESS),
                Arguments.of("different protocol", pod("UDP/127.0.0.1/8080"), nodeWith("TCP/127.0.0.1/8080"), Status.SUCCESS),
                Arguments.of("second udp port conflict", pod("UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"),
                        nodeWith("UDP/127.0.0.1/8080"), conflict),
                Arguments.of("first tcp port conflict", pod("TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
                        nodeWith("TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"), conflict),
                Arguments.of("wanted 0.0.0.0 conflicts with a specific ip", pod("TCP/0.0.0.0/8001"),
                        nodeWith("TCP/127.0.0.1/8001"), conflict),
                Arguments.of("a specific ip and 0.0.0.0 wanted, specific ip in use", pod("TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"),
                        nodeWith("TCP/127.0.0.1/8001"), conflict),
                Arguments.of("0.0.0.0 in use conflicts with a wanted specific ip", pod("TCP/127.0.0.1/8001"),
                        nodeWith("TCP/0.0.0.0/8001"), conflict),
                Arguments.of("0.0.0.0 in use for another protocol", pod("UDP/127.0.0.1/8001"),
                        nodeWith("TCP/0.0.0.0/8001"), Status.SUCCESS),
                Arguments.of("0.0.0.0 in use for both protocols", pod("UDP/127.0.0.1/8001"),
                        nodeWith("TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"), conflict),
                Arguments.of("an empty wanted hostIP means 0.0.0.0", pod("TCP//8001"), nodeWith("TCP/10.1.1.1/8001"), conflict),
                Arguments.of("an empty hostIP in use means 0.0.0.0", pod("TCP/10.1.1.1/8001"), nodeWith("TCP//8001"), conflict),
                Arguments.of("an empty protocol means TCP", pod("/127.0.0.1/8001"), nodeWith("TCP/127.0.0.1/8001"), conflict),
                Arguments.of("SCTP only conflicts with SCTP", pod("SCTP/0.0.0.0/8001"), nodeWith("TCP/0.0.0.0/8001", "UDP//8001"), Status.SUCCESS),
                Arguments.of("an empty node", pod("TCP/0.0.0.0/80"), NodeInfo.of(Node.builder("m1").build()), Status.SUCCESS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, Pod pod, NodeInfo node, Status want) {
        CycleState state = new CycleState();
        PreFilterResult pre = plugin.preFilter(state, pod, List.of(node));
        assertEquals(Code.SUCCESS, pre.status().code());
        assertTrue(pre.allNodes());
        assertStatus(want, plugin.filter(state, pod, node));
        // Filter reaches the same verdict when PreFilter did not run.
        assertStatus(want, plugin.filter(new CycleState(), pod, node));
    }

    private static void assertStatus(Status want, Status got) {
        assertEquals(want.code(), got.code());
        assertEquals(want.reasons(), got.reasons());
    }

    @Test
    void preFilterSkipsPodsWithoutHostPorts() {
        Pod noHostPort = Pod.builder("p").container(new Container("c", "img", null, null,
                List.of(new ContainerPort(8080, 0, "TCP", "")), null)).build();
        assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), noHostPort, List.of()).status().code());
        assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), Pod.builder("q").build(), List.of()).status().code());
    }

    @Test
    void sidecarHostPortsCountButPlainInitContainerPortsDoNot() {
        List<ContainerPort> port = List.of(new ContainerPort(0, 9000, "TCP", ""));
        Pod withSidecar = Pod.builder("s").initContainer(new Container("side", "img", null, null, port, "Always")).build();
        Pod withInit = Pod.builder("i").initContainer(new Container("init", "img", null, null, port, null)).build();
        NodeInfo busy = nodeWith("TCP/0.0.0.0/9000");
        assertStatus(Status.unschedulable(NodePorts.ERR_REASON), plugin.filter(new CycleState(), withSidecar, busy));
        assertEquals(Code.SKIP, plugin.preFilter(new CycleState(), withInit, List.of(busy)).status().code());
    }

    @Test
    void registersPodDeleteAndNodeAdd() {
        assertEquals(Set.of(ClusterEvent.POD_DELETE, ClusterEvent.NODE_ADD), plugin.eventsToRegister());
    }
}
