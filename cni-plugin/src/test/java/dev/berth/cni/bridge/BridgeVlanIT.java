package dev.berth.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cni.it.Cni;
import dev.berth.linux.TestNamespaces;
import dev.berth.cni.it.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code vlan}, {@code vlanTrunk} and {@code preserveDefaultVlan} against the kernel and against the
 * reference {@code bridge} (Debian's 1.1.1, which knows {@code vlan} only). Kernels built without bridge
 * VLAN filtering refuse every VLAN request; there both plugins must fail the same way and berth-bridge
 * must leave nothing behind.
 */
class BridgeVlanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REFERENCE = Path.of("/usr/lib/cni/bridge");

    private Node node;

    @BeforeEach
    void setUp() {
        node = new Node();
    }

    @AfterEach
    void tearDown() {
        node.close();
    }

    private String config(String network, String fields) {
        return """
                {"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"br-vlan",%s
                 "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.95.0.0/24"}]]}}"""
                .formatted(network, fields, node.dataDir());
    }

    private Cni.Outcome berth(String command, String pod, String config) {
        return Cni.bridge(node.name(), Cni.env(command, "ctr-vlan", TestNamespaces.path(pod), "eth0"), config);
    }

    private static Cni.Outcome reference(String command, String referenceNode, String pod, String config) {
        return Cni.run(REFERENCE.toString(), referenceNode, Cni.env(command, "ctr-vlan", TestNamespaces.path(pod), "eth0"), config);
    }

    @Test
    void accessVlanWithAGatewayMatchesTheReference() {
        assumeTrue(Files.isExecutable(REFERENCE), "reference plugins not installed");
        assumeTrue(TestNamespaces.kernelFiltersVlans(node.name()), "kernel without CONFIG_BRIDGE_VLAN_FILTERING");
        var referenceNode = node.namespace("refnode");
        var berthPod = node.namespace("pod-berth");
        var referencePod = node.namespace("pod-ref");
        var fields = "\"vlan\":100,\"isGateway\":true,\"isDefaultGateway\":true,";
        var berthConfig = config("vlan-berth", fields);
        var referenceConfig = config("vlan-ref", fields);

        var berth = berth("ADD", berthPod, berthConfig);
        var reference = reference("ADD", referenceNode, referencePod, referenceConfig);
        assertEquals(0, reference.exit(), reference::toString);
        assertEquals(0, berth.exit(), berth::toString);
        assertEquals(reference.json().get("ips"), berth.json().get("ips"));
        assertEquals(reference.json().get("routes"), berth.json().get("routes"));
        assertEquals(List.of("br-vlan", "veth*", "eth0 in sandbox", "br-vlan.100"), shape(berth.json()));
        assertEquals(shape(reference.json()), shape(berth.json()));

        // The kernel: a filtering bridge, the pod's port and the gateway's port in VLAN 100, the gateway
        // address on br-vlan.100 and none on the bridge.
        assertEquals(vlanState(referenceNode, reference.json()), vlanState(node.name(), berth.json()));
        assertEquals(List.of("pod-port 1 untagged", "pod-port 100 PVID untagged"),
                vlanState(node.name(), berth.json()).get("pod-port"));
        assertEquals(1, link(node.name(), "br-vlan").at("/linkinfo/info_data/vlan_filtering").asInt());
        assertEquals(addresses(referenceNode, "br-vlan.100"), addresses(node.name(), "br-vlan.100"));
        assertEquals(List.of("10.95.0.1/24"), addresses(node.name(), "br-vlan.100"));
        assertEquals(List.of(), addresses(node.name(), "br-vlan"));
        assertTrue(TestNamespaces.ping(berthPod, "10.95.0.1"), "the pod reaches its gateway inside VLAN 100");

        var check = check(berthPod, berthConfig, berth.json());
        assertEquals(0, check.exit(), check::toString);
        var port = berth.json().get("interfaces").get(1).get("name").asText();
        TestNamespaces.run("bridge", "-n", node.name(), "vlan", "del", "dev", port, "vid", "100");
        var broken = check(berthPod, berthConfig, berth.json());
        assertNotEquals(0, broken.exit(), broken::toString);
        assertTrue(broken.json().get("msg").asText().contains("VLAN 100"), broken::toString);

        // DEL leaves the VLAN's gateway to the other pods of the VLAN, as the reference does.
        assertEquals(0, berth("DEL", berthPod, berthConfig).exit());
        assertEquals(0, reference("DEL", referenceNode, referencePod, referenceConfig).exit());
        assertEquals(linkShape(referenceNode), linkShape(node.name()));
        assertEquals(List.of(), node.ipFiles("vlan-berth"));
    }

    @Test
    void trunkWithoutTheDefaultVlan() {
        assumeTrue(TestNamespaces.kernelFiltersVlans(node.name()), "kernel without CONFIG_BRIDGE_VLAN_FILTERING");
        var pod = node.namespace("pod");
        var config = config("trunk", "\"vlanTrunk\":[{\"id\":20},{\"minID\":30,\"maxID\":32}],\"preserveDefaultVlan\":false,");
        var added = berth("ADD", pod, config);
        assertEquals(0, added.exit(), added::toString);
        assertEquals(List.of("pod-port 20", "pod-port 30", "pod-port 31", "pod-port 32"),
                vlanState(node.name(), added.json()).get("pod-port"));
        assertEquals(1, link(node.name(), "br-vlan").at("/linkinfo/info_data/vlan_filtering").asInt());
        var check = check(pod, config, added.json());
        assertEquals(0, check.exit(), check::toString);
    }

    @Test
    void withoutKernelVlanFilteringBothPluginsRefuseANewVlanBridge() {
        assumeTrue(Files.isExecutable(REFERENCE), "reference plugins not installed");
        assumeFalse(TestNamespaces.kernelFiltersVlans(node.name()), "kernel has CONFIG_BRIDGE_VLAN_FILTERING");
        var referenceNode = node.namespace("refnode");
        var berthPod = node.namespace("pod-berth");
        var referencePod = node.namespace("pod-ref");
        var fields = "\"vlan\":100,\"isGateway\":true,";
        var berth = berth("ADD", berthPod, config("vlan-berth", fields));
        var reference = reference("ADD", referenceNode, referencePod, config("vlan-ref", fields));

        assertNotEquals(0, reference.exit(), reference::toString);
        assertNotEquals(0, berth.exit(), berth::toString);
        assertEquals(reference.code(), berth.code(), berth::toString);
        assertTrue(reference.json().get("msg").asText().contains("could not add \"br-vlan\""), reference::toString);
        assertTrue(berth.json().get("msg").asText().contains("could not add \"br-vlan\""), berth::toString);
        assertTrue(berth.json().get("msg").asText().contains("EOPNOTSUPP"), berth::toString);
        for (var ns : List.of(node.name(), referenceNode, berthPod, referencePod)) {
            assertEquals(List.of("lo"), TestNamespaces.links(ns), ns);
        }
        assertEquals(List.of(), node.ipFiles("vlan-berth"));
        assertEquals(List.of(), node.ipFiles("vlan-ref"));
    }

    @Test
    void withoutKernelVlanFilteringAVlanOnAnExistingBridgeFailsAndBerthLeavesNothing() {
        assumeTrue(Files.isExecutable(REFERENCE), "reference plugins not installed");
        assumeFalse(TestNamespaces.kernelFiltersVlans(node.name()), "kernel has CONFIG_BRIDGE_VLAN_FILTERING");
        var referenceNode = node.namespace("refnode");
        var berthPod = node.namespace("pod-berth");
        var referencePod = node.namespace("pod-ref");
        for (var ns : List.of(node.name(), referenceNode)) {
            TestNamespaces.run("ip", "-n", ns, "link", "add", "br-vlan", "type", "bridge");
        }
        var berth = berth("ADD", berthPod, config("vlan-berth", "\"vlan\":100,"));
        var reference = reference("ADD", referenceNode, referencePod, config("vlan-ref", "\"vlan\":100,"));

        assertNotEquals(0, reference.exit(), reference::toString);
        assertNotEquals(0, berth.exit(), berth::toString);
        assertEquals(reference.code(), berth.code(), berth::toString);
        assertTrue(reference.json().get("msg").asText().startsWith("failed to setup vlan tag on interface"), reference::toString);
        assertTrue(berth.json().get("msg").asText().startsWith("failed to setup vlan tag on interface"), berth::toString);
        // The reference leaves its veth pair behind here; berth-bridge undoes it.
        assertEquals(List.of("lo"), TestNamespaces.links(berthPod));
        assertEquals(List.of("lo", "br-vlan"), TestNamespaces.links(node.name()));
        assertEquals(List.of(), node.ipFiles("vlan-berth"));
    }

    private Cni.Outcome check(String pod, String config, JsonNode previous) {
        try {
            var withPrevious = (ObjectNode) JSON.readTree(config);
            withPrevious.set("prevResult", previous);
            return berth("CHECK", pod, withPrevious.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode link(String ns, String name) {
        return TestNamespaces.ipJson(ns, "link", "show", "dev", name).get(0);
    }

    private static List<String> addresses(String ns, String name) {
        var shown = new ArrayList<String>();
        // iproute2 leaves out a link with no address of the family asked for: no entry means none.
        for (var entry : TestNamespaces.ipJson(ns, "-4", "addr", "show", "dev", name)) {
            for (var address : entry.path("addr_info")) {
                shown.add(address.get("local").asText() + "/" + address.get("prefixlen").asInt());
            }
        }
        return shown;
    }

    /** The result's interfaces with random veth names hidden. */
    private static List<String> shape(JsonNode result) {
        var shape = new ArrayList<String>();
        for (var item : result.get("interfaces")) {
            var name = item.get("name").asText();
            shape.add((name.startsWith("veth") ? "veth*" : name) + (item.has("sandbox") ? " in sandbox" : ""));
        }
        return shape;
    }

    /** Link names of a namespace, random veth names hidden. */
    private static List<String> linkShape(String ns) {
        return TestNamespaces.links(ns).stream().map(name -> name.startsWith("veth") ? "veth*" : name).sorted().toList();
    }

    /**
     * {@code bridge -j vlan show} by role: "bridge", "pod-port" (the result's host veth), "gateway-port"
     * (any other veth, the peer of {@code <bridge>.<vid>}); each VLAN as "role vid [PVID] [untagged]".
     */
    private static Map<String, List<String>> vlanState(String ns, JsonNode result) {
        var podPort = result.get("interfaces").get(1).get("name").asText();
        var state = new TreeMap<String, List<String>>();
        for (var entry : TestNamespaces.bridgeJson(ns, "vlan", "show")) {
            var name = entry.get("ifname").asText();
            var role = name.equals(podPort) ? "pod-port" : name.startsWith("veth") ? "gateway-port" : name.equals("br-vlan") ? "bridge" : name;
            var vlans = new ArrayList<String>();
            for (var vlan : entry.path("vlans")) {
                var flags = vlan.path("flags").toString();
                vlans.add(role + " " + vlan.get("vlan").asInt() + (flags.contains("\"PVID\"") ? " PVID" : "")
                        + (flags.contains("\"Egress Untagged\"") ? " untagged" : ""));
            }
            state.put(role, vlans);
        }
        return state;
    }
}
