package dev.berth.proxy.watch;

import static dev.berth.proxy.model.Protocol.TCP;
import static dev.berth.proxy.model.Protocol.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServicePortName;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
    private int notified;
    private final ClusterState state = new ClusterState(() -> notified++);

    private static Service dns() {
        return Service.builder("kube-system", "dns").clusterIPs("10.96.0.10").port("dns", UDP, 53)
                .port("dns-tcp", TCP, 53).build();
    }

    private static ServicePortName port(String svc, String port, dev.berth.proxy.model.Protocol p) {
        return new ServicePortName(NamespacedName.of("kube-system", svc), port, p);
    }

    @Test
    void aNewServiceMarksEachOfItsPorts() {
        state.putService(dns());
        var snap = state.takeChanges();
        assertEquals(Set.of(port("dns", "dns", UDP), port("dns", "dns-tcp", TCP)), snap.changedPorts());
        assertEquals(Set.of(NamespacedName.of("kube-system", "dns")), snap.changedServices());
        assertEquals(1, snap.state().services().size());
        assertEquals(1, notified);
    }

    @Test
    void takingChangesResetsThem() {
        state.putService(dns());
        state.takeChanges();
        assertEquals(Set.of(), state.takeChanges().changedPorts());
    }

    @Test
    void anUpdateEqualToTheStoredObjectIsNoChange() {
        state.putService(dns());
        state.takeChanges();
        state.putService(dns());
        assertEquals(Set.of(), state.takeChanges().changedPorts());
        assertEquals(1, notified);
    }

    @Test
    void aSliceChangeMarksOnlyItsPorts() {
        state.putService(dns());
        state.takeChanges();
        state.putEndpointSlice(EndpointSlice.builder("kube-system", "dns", "dns-1").port("dns-tcp", TCP, 53)
                .endpoint("10.0.0.5", "n1").build());
        assertEquals(Set.of(port("dns", "dns-tcp", TCP)), state.takeChanges().changedPorts());
    }

    @Test
    void deletionsMarkWhatWasThereAndUnknownDeletesAreIgnored() {
        state.putService(dns());
        state.putEndpointSlice(EndpointSlice.builder("kube-system", "dns", "dns-1").port("dns", UDP, 53).build());
        state.takeChanges();
        state.removeEndpointSlice(NamespacedName.of("kube-system", "dns-1"));
        assertEquals(Set.of(port("dns", "dns", UDP)), state.takeChanges().changedPorts());
        state.removeService(NamespacedName.of("kube-system", "nope"));
        assertEquals(Set.of(), state.takeChanges().changedPorts());
        state.removeService(NamespacedName.of("kube-system", "dns"));
        var snap = state.takeChanges();
        assertEquals(2, snap.changedPorts().size());
        assertEquals(0, snap.state().services().size());
    }

    @Test
    void pendingCountsAreServicesWithChangesNotTakenYet() {
        int[] events = {0, 0};
        state.onEvents(() -> events[0]++, () -> events[1]++);
        state.putService(dns());
        state.putService(dns());
        state.putEndpointSlice(EndpointSlice.builder("kube-system", "dns", "dns-1").port("dns", UDP, 53)
                .endpoint("10.1.0.1", "n").build());
        state.putEndpointSlice(EndpointSlice.builder("kube-system", "dns", "dns-2").port("dns", UDP, 53)
                .endpoint("10.1.0.2", "n").build());
        assertEquals(1, state.pendingServiceChanges(), "an unchanged update is no pending change");
        assertEquals(2, state.pendingEndpointChanges(), "each changing slice event is one pending change");
        assertEquals(2, events[0], "every Service event counts towards the total");
        assertEquals(2, events[1]);
        state.takeChanges();
        assertEquals(0, state.pendingServiceChanges());
        assertEquals(0, state.pendingEndpointChanges());
    }

    @Test
    void triggerTimesAfterStartAreKeptPerServiceUntilTaken() {
        var start = java.time.Instant.parse("2024-05-01T10:00:00Z");
        var s = new ClusterState(() -> {}, start);
        var slice = EndpointSlice.builder("kube-system", "dns", "dns-1").port("dns", UDP, 53);
        s.putEndpointSlice(slice.endpoint("10.1.0.1", "n").build(), start.minusSeconds(5));
        s.putEndpointSlice(slice.endpoint("10.1.0.2", "n").build(), start.plusSeconds(5));
        var snap = s.takeChanges();
        assertEquals(java.util.Map.of(NamespacedName.of("kube-system", "dns"), java.util.List.of(start.plusSeconds(5))),
                snap.lastChangeTriggerTimes(), "a change from before the proxy started is not measured");
        assertEquals(java.util.Map.of(), s.takeChanges().lastChangeTriggerTimes());
    }
}
