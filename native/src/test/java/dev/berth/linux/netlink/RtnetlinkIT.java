package dev.berth.linux.netlink;

import static dev.berth.linux.TestNamespaces.bridgeJson;
import static dev.berth.linux.TestNamespaces.ipJson;
import static dev.berth.linux.TestNamespaces.kernelFiltersVlans;
import static dev.berth.linux.TestNamespaces.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.linux.IpNet;
import dev.berth.linux.MacAddress;
import dev.berth.linux.NetNs;
import dev.berth.linux.NetlinkException;
import dev.berth.linux.Syscalls;
import dev.berth.linux.TestNamespaces;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink client against the real kernel, in namespaces this test creates: a "node" namespace
 * holding a bridge and two "pod" namespaces joined to it by veth pairs whose peers are created directly
 * inside the pods. Every change is cross-checked with {@code ip -j}.
 */
class RtnetlinkIT {
    private TestNamespaces namespaces;
    private String node;
    private String podA;
    private String podB;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void createNamespaces() {
        namespaces = new TestNamespaces();
        node = namespaces.create("node");
        podA = namespaces.create("pod-a");
        podB = namespaces.create("pod-b");
    }

    @AfterEach
    void deleteNamespaces() throws Exception {
        for (var closeable : open.reversed()) {
            closeable.close();
        }
        namespaces.close();
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static JsonNode linkJson(String ns, String name) {
        return ipJson(ns, "link", "show", "dev", name).get(0);
    }

    @Test
    void bridgeWithVethPeersInPodsCarriesPings() {
        var nodeNs = track(NetNs.named(node));
        var podANs = track(NetNs.named(podA));
        var podBNs = track(NetNs.named(podB));
        var nodeNl = track(Rtnetlink.open(nodeNs));
        var podANl = track(Rtnetlink.open(podANs));
        var podBNl = track(Rtnetlink.open(podBNs));

        nodeNl.createBridge("br-it", 0);
        var bridge = nodeNl.link("br-it");
        assertEquals("bridge", bridge.kind());
        nodeNl.setMtu(bridge.index(), 1400);
        nodeNl.addAddress(Address.of(bridge.index(), IpNet.parse("10.99.0.1/24")));
        nodeNl.setUp(bridge.index(), true);

        nodeNl.createVeth("veth-a", "eth0", 1400, podANs, null);
        nodeNl.createVeth("veth-b", "eth0", 1400, podBNs, MacAddress.parse("02:00:00:00:0b:01"));
        for (var hostSide : List.of("veth-a", "veth-b")) {
            var link = nodeNl.link(hostSide);
            nodeNl.setMaster(link.index(), bridge.index());
            nodeNl.setUp(link.index(), true);
        }

        var podEth = podANl.link("eth0");
        assertEquals("veth", podEth.kind());
        assertEquals(1400, podEth.mtu());
        podANl.setMac(podEth.index(), MacAddress.parse("02:00:00:00:0a:01"));
        podANl.addAddress(Address.of(podEth.index(), IpNet.parse("10.99.0.2/24")));
        podANl.addAddress(Address.of(podEth.index(), IpNet.parse("fd00:99::2/64")));
        podANl.setUp(podEth.index(), true);
        var podBEth = podBNl.link("eth0");
        podBNl.addAddress(Address.of(podBEth.index(), IpNet.parse("10.99.0.3/24")));
        podBNl.setUp(podBEth.index(), true);
        podANl.addRoute(Route.unicast(IpNet.parse("0.0.0.0/0"), IpNet.parseAddress("10.99.0.1"), podEth.index()));
        podANl.addRoute(Route.unicast(IpNet.parse("10.98.0.0/16"), IpNet.parseAddress("10.99.0.1"), podEth.index()));

        // The library's own view.
        var vethA = nodeNl.link("veth-a");
        assertEquals(bridge.index(), vethA.masterIndex());
        assertTrue(vethA.up());
        assertEquals(new BridgePort(false, false), vethA.bridgePort());
        podEth = podANl.link("eth0");
        assertEquals(MacAddress.parse("02:00:00:00:0a:01"), podEth.mac());
        assertEquals(MacAddress.parse("02:00:00:00:0b:01"), podBNl.link("eth0").mac());
        assertTrue(podEth.up());
        assertEquals(1400, nodeNl.link("br-it").mtu());
        assertTrue(nodeNl.links().stream().anyMatch(l -> l.name().equals("veth-b") && l.kind().equals("veth")));
        var podAddresses = podANl.addresses(Syscalls.AF_UNSPEC, podEth.index()).stream()
                .map(a -> a.address().toString()).toList();
        assertTrue(podAddresses.contains("10.99.0.2/24"), podAddresses.toString());
        assertTrue(podAddresses.contains("fd00:99::2/64"), podAddresses.toString());
        var routes = podANl.mainRoutes(Syscalls.AF_INET);
        assertTrue(routes.contains(Route.unicast(IpNet.parse("10.98.0.0/16"), IpNet.parseAddress("10.99.0.1"),
                podEth.index())), routes.toString());
        var defaultRoute = routes.stream().filter(r -> r.destination().prefixLength() == 0).findFirst().orElseThrow();
        assertEquals("10.99.0.1", IpNet.format(defaultRoute.gateway()));

        // iproute2's view.
        var vethJson = linkJson(node, "veth-a");
        assertEquals("br-it", vethJson.get("master").asText());
        assertEquals(1400, vethJson.get("mtu").asInt());
        assertEquals("veth", vethJson.at("/linkinfo/info_kind").asText());
        var podJson = linkJson(podA, "eth0");
        assertEquals("02:00:00:00:0a:01", podJson.get("address").asText());
        assertEquals("UP", podJson.get("operstate").asText());
        var addrJson = ipJson(podA, "addr", "show", "dev", "eth0").get(0).get("addr_info");
        var shown = new ArrayList<String>();
        addrJson.forEach(a -> shown.add(a.get("local").asText() + "/" + a.get("prefixlen").asInt()));
        assertTrue(shown.containsAll(List.of("10.99.0.2/24", "fd00:99::2/64")), shown.toString());
        var routeJson = ipJson(podA, "-4", "route", "show", "table", "main");
        var shownRoutes = new ArrayList<String>();
        routeJson.forEach(r -> shownRoutes.add(r.get("dst").asText() + " " + r.path("gateway").asText("-")
                + " " + r.get("dev").asText()));
        assertTrue(shownRoutes.containsAll(List.of("default 10.99.0.1 eth0", "10.98.0.0/16 10.99.0.1 eth0")),
                shownRoutes.toString());

        assertTrue(ping(podA, "10.99.0.1"), "pod A reaches the bridge address");
        assertTrue(ping(podA, "10.99.0.3"), "pod A reaches pod B over the bridge");
        assertTrue(ping(podB, "10.99.0.2"), "pod B reaches pod A over the bridge");

        // Tear down through the library and see it gone.
        podANl.deleteRoute(Route.unicast(IpNet.parse("10.98.0.0/16"), IpNet.parseAddress("10.99.0.1"), podEth.index()));
        assertFalse(podANl.mainRoutes(Syscalls.AF_INET).stream()
                .anyMatch(r -> r.destination().toString().equals("10.98.0.0/16")));
        podANl.deleteAddress(Address.of(podEth.index(), IpNet.parse("10.99.0.2/24")));
        assertFalse(ipJson(podA, "-4", "addr", "show", "dev", "eth0").toString().contains("10.99.0.2"));
        nodeNl.deleteLink("veth-b");
        assertTrue(podBNl.findLink("eth0").isEmpty(), "deleting one end of a veth removes its peer");
        nodeNl.deleteLink(bridge.index());
        assertTrue(nodeNl.findLink("br-it").isEmpty());
    }

    @Test
    void bridgePortHairpinIsolationAndPromiscuity() {
        var nodeNs = track(NetNs.named(node));
        var podANs = track(NetNs.named(podA));
        var nl = track(Rtnetlink.open(nodeNs));
        nl.createBridge("br-it", 0);
        var bridge = nl.link("br-it");
        nl.createVeth("veth-a", "eth0", 0, podANs, null);
        var port = nl.link("veth-a");
        nl.setMaster(port.index(), bridge.index());

        nl.setHairpin(port.index(), true);
        nl.setIsolated(port.index(), true);
        nl.setPromiscuous(bridge.index(), true);
        assertEquals(new BridgePort(true, true), nl.link("veth-a").bridgePort());
        assertTrue(nl.link("br-it").promiscuous());
        var slave = linkJson(node, "veth-a").at("/linkinfo/info_slave_data");
        assertTrue(slave.get("hairpin").asBoolean(), slave.toString());
        assertTrue(slave.get("isolated").asBoolean(), slave.toString());
        assertTrue(linkJson(node, "br-it").get("promiscuity").asInt() > 0);

        nl.setHairpin(port.index(), false);
        nl.setIsolated(port.index(), false);
        nl.setPromiscuous(bridge.index(), false);
        assertEquals(new BridgePort(false, false), nl.link("veth-a").bridgePort());
        assertFalse(nl.link("br-it").promiscuous());

        nl.setMaster(port.index(), 0);
        var released = nl.link("veth-a");
        assertEquals(0, released.masterIndex());
        assertNull(released.bridgePort());
        assertFalse(linkJson(node, "veth-a").has("master"));
    }

    @Test
    void kernelErrorsCarryTheErrnoNameAndTheRequest() {
        var nl = track(Rtnetlink.open(track(NetNs.named(node))));
        nl.createBridge("br-it", 0);

        var duplicate = assertThrows(NetlinkException.class, () -> nl.createBridge("br-it", 0));
        assertEquals("EEXIST", duplicate.errnoName());
        assertEquals("add link br-it (bridge)", duplicate.operation());
        assertTrue(duplicate.getMessage().startsWith("add link br-it (bridge): EEXIST"), duplicate.getMessage());

        var missing = assertThrows(NetlinkException.class, () -> nl.link("no-such-link"));
        assertEquals("ENODEV", missing.errnoName());
        assertEquals("get link no-such-link", missing.operation());
        assertEquals("ENODEV", assertThrows(NetlinkException.class, () -> nl.deleteLink("no-such-link")).errnoName());
        assertEquals("ENODEV", assertThrows(NetlinkException.class, () -> nl.setMtu(99999, 1400)).errnoName());

        var bridge = nl.link("br-it");
        nl.addAddress(Address.of(bridge.index(), IpNet.parse("10.97.0.1/24")));
        assertEquals("EEXIST", assertThrows(NetlinkException.class,
                () -> nl.addAddress(Address.of(bridge.index(), IpNet.parse("10.97.0.1/24")))).errnoName());
        var unreachable = assertThrows(NetlinkException.class, () -> nl.addRoute(
                Route.unicast(IpNet.parse("10.96.0.0/16"), IpNet.parseAddress("192.0.2.1"), bridge.index())));
        assertEquals("ENETUNREACH", unreachable.errnoName(), unreachable.getMessage());
    }

    /** {@code bridge -j vlan show} as interface name to VLANs, in the library's terms. */
    private static Map<String, List<BridgeVlan>> shownVlans(String ns) {
        var shown = new TreeMap<String, List<BridgeVlan>>();
        for (var entry : bridgeJson(ns, "vlan", "show")) {
            var vlans = new ArrayList<BridgeVlan>();
            for (var vlan : entry.path("vlans")) {
                var flags = vlan.path("flags").toString();
                vlans.add(new BridgeVlan(vlan.get("vlan").asInt(), flags.contains("\"PVID\""),
                        flags.contains("\"Egress Untagged\"")));
            }
            shown.put(entry.get("ifname").asText(), vlans);
        }
        return shown;
    }

    /** The library's list, keyed by name like iproute2's, leaving out links without VLANs as it does. */
    private static Map<String, List<BridgeVlan>> listedVlans(Rtnetlink nl) {
        var listed = new TreeMap<String, List<BridgeVlan>>();
        nl.bridgeVlans().forEach((index, vlans) -> {
            if (!vlans.isEmpty()) {
                listed.put(nl.link(index).name(), vlans);
            }
        });
        return listed;
    }

    @Test
    void bridgeVlansOnPortsAndOnTheBridgeMatchIproute2() {
        assumeTrue(kernelFiltersVlans(node), "kernel without CONFIG_BRIDGE_VLAN_FILTERING");
        var nl = track(Rtnetlink.open(track(NetNs.named(node))));
        var podANs = track(NetNs.named(podA));
        nl.createBridge("br-vlan", 0, true);
        var bridge = nl.link("br-vlan");
        assertTrue(bridge.bridge().vlanFiltering());
        nl.createVeth("veth-a", "eth0", 0, podANs, null);
        var port = nl.link("veth-a");
        nl.setMaster(port.index(), bridge.index());

        // Joining gave the port the default PVID 1; an access VLAN takes the PVID over, VLAN 1 stays untagged.
        assertEquals(List.of(new BridgeVlan(1, true, true)), nl.bridgeVlans(port.index()));
        nl.addBridgeVlan(port.index(), BridgeVlan.access(10), false);
        nl.addBridgeVlan(port.index(), BridgeVlan.tagged(20), false);
        nl.addBridgeVlan(bridge.index(), BridgeVlan.tagged(30), true);
        assertEquals(List.of(new BridgeVlan(1, false, true), BridgeVlan.access(10), BridgeVlan.tagged(20)),
                nl.bridgeVlans(port.index()));
        assertTrue(nl.bridgeVlans(bridge.index()).contains(BridgeVlan.tagged(30)), nl.bridgeVlans(bridge.index()).toString());
        assertEquals(shownVlans(node), listedVlans(nl));

        nl.deleteBridgeVlan(port.index(), 1, false);
        nl.deleteBridgeVlan(bridge.index(), 30, true);
        assertEquals(List.of(BridgeVlan.access(10), BridgeVlan.tagged(20)), nl.bridgeVlans(port.index()));
        assertEquals(shownVlans(node), listedVlans(nl));

        // Filtering switched on for a bridge made without it.
        nl.createBridge("br-plain", 0);
        var plain = nl.link("br-plain");
        assertFalse(plain.bridge().vlanFiltering());
        nl.setVlanFiltering(plain.index(), true);
        assertTrue(nl.link("br-plain").bridge().vlanFiltering());
        assertEquals(1, linkJson(node, "br-plain").at("/linkinfo/info_data/vlan_filtering").asInt());
    }

    @Test
    void withoutKernelVlanFilteringTheRequestsFailAsIproute2Does() {
        assumeFalse(kernelFiltersVlans(node), "kernel has CONFIG_BRIDGE_VLAN_FILTERING");
        var nl = track(Rtnetlink.open(track(NetNs.named(node))));
        var podANs = track(NetNs.named(podA));
        var refused = assertThrows(NetlinkException.class, () -> nl.createBridge("br-vlan", 0, true));
        assertEquals("EOPNOTSUPP", refused.errnoName(), refused.getMessage());
        assertTrue(nl.findLink("br-vlan").isEmpty(), "a refused bridge is not created");

        nl.createBridge("br-plain", 0);
        var bridge = nl.link("br-plain");
        assertFalse(bridge.bridge().vlanFiltering());
        assertEquals("EOPNOTSUPP", assertThrows(NetlinkException.class,
                () -> nl.setVlanFiltering(bridge.index(), true)).errnoName());
        nl.createVeth("veth-a", "eth0", 0, podANs, null);
        var port = nl.link("veth-a");
        nl.setMaster(port.index(), bridge.index());
        // The kernel parses the request before refusing it: a malformed one would be EINVAL instead.
        var vlan = assertThrows(NetlinkException.class, () -> nl.addBridgeVlan(port.index(), BridgeVlan.access(10), false));
        assertEquals("EOPNOTSUPP", vlan.errnoName(), vlan.getMessage());
        var iproute2 = TestNamespaces.exec("bridge", "-n", node, "vlan", "add", "dev", "veth-a", "vid", "10", "pvid", "untagged");
        assertTrue(iproute2.stderr().contains("Operation not supported"), iproute2.stderr());
        assertEquals(shownVlans(node), listedVlans(nl));
        assertEquals(List.of(), nl.bridgeVlans(port.index()));
    }
}
