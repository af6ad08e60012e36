package dev.berth.scheduler.plugins.nodename;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NodeNameTest {
    private final NodeName plugin = (NodeName) NodeName.factory().create(null, null);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no node name requested", "", "foo", Status.SUCCESS),
                Arguments.of("the requested node", "foo", "foo", Status.SUCCESS),
                Arguments.of("another node", "bar", "foo", Status.unresolvable(NodeName.ERR_REASON)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, String podNodeName, String nodeName, Status want) {
        Pod pod = Pod.builder("p").nodeName(podNodeName).build();
        Status got = plugin.filter(new CycleState(), pod, NodeInfo.of(Node.builder(nodeName).build()));
        assertEquals(want.code(), got.code());
        assertEquals(want.reasons(), got.reasons());
    }

    @Test
    void registersNodeAddOnly() {
        assertEquals(Set.of(ClusterEvent.NODE_ADD), plugin.eventsToRegister());
    }
}
