package dev.berth.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cni.it.Cni;
import dev.berth.linux.TestNamespaces;
import dev.berth.cni.it.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge options reaching the kernel (hairpin, port isolation, promiscuous bridge, forceAddress,
 * disableContainerInterface, dual stack), an IPAM plugin executed from CNI_PATH, and the same
 * configuration through the reference {@code bridge} and through berth-bridge giving the same state.
 */
class BridgeOptionsIT {
    private static final Path REFERENCE_BIN = Path.of("/usr/lib/cni");

    private Node fixture;
    private TestNamespaces namespaces;
    private String node;
    private Path dataDir;

    @BeforeEach
    void setUp() {
        fixture = new Node();
        namespaces = fixture.namespaces();
        node = fixture.name();
        dataDir = fixture.dataDir();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private String config(String bridgeFields, String ipam) {
        return """
                {"cniVersion":"1.0.0","name":"optnet","type":"berth-bridge","bridge":"br-opt",%s
                 "ipam":%s}""".formatted(bridgeFields, ipam);
    }

    private String hostLocal(String ranges) {
        return "{\"type\":\"host-local\",\"dataDir\":\"%s\",\"ranges\":%s}".formatted(dataDir, ranges);
    }

    private Cni.Outcome add(String pod, String config) {
        var outcome = Cni.bridge(node, Cni.env("ADD", "ctr-" + pod.substring(pod.lastIndexOf('-') + 1), TestNamespaces.path(pod), "eth0"), config);
        return outcome;
    }

    private static JsonNode link(String ns, String name) {
        return TestNamespaces.ipJson(ns, "link", "show", "dev", name).get(0);
    }

    @Test
    void hairpinAndIsolationOnThePortPromiscuousBridge() {
        var pod = namespaces.create("pod-a");
        var added = add(pod, config("\"hairpinMode\":true,\"portIsolation\":true,",
                hostLocal("[[{\"subnet\":\"10.89.0.0/24\"}]]")));
        assertEquals(0, added.exit(), added::toString);
        var hostVeth = added.json().get("interfaces").get(1).get("name").asText();
        var port = link(node, hostVeth).get("linkinfo").get("info_slave_data");
        assertTrue(port.get("hairpin").asBoolean(), port::toString);
        assertTrue(port.get("isolated").asBoolean(), port::toString);
        assertEquals("br-opt", link(node, hostVeth).get("master").asText());

        var other = namespaces.create("pod-b");
        var promisc = Cni.bridge(node, Cni.env("ADD", "ctr-b", TestNamespaces.path(other), "eth0"),
                config("\"bridge\":\"br-promisc\",\"promiscMode\":true,", hostLocal("[[{\"subnet\":\"10.90.0.0/24\"}]]"))
                        .replace("\"bridge\":\"br-opt\",", ""));
        assertEquals(0, promisc.exit(), promisc::toString);
        assertTrue(link(node, "br-promisc").get("flags").toString().contains("PROMISC"));
    }

    @Test
    void forceAddressReplacesADifferentBridgeAddress() {
        TestNamespaces.run("ip", "-n", node, "link", "add", "br-opt", "type", "bridge");
        TestNamespaces.run("ip", "-n", node, "addr", "add", "10.89.0.254/24", "dev", "br-opt");
        var ranges = hostLocal("[[{\"subnet\":\"10.89.0.0/24\"}]]");
        var pod = namespaces.create("pod-a");
        var refused = add(pod, config("\"isGateway\":true,", ranges));
        assertNotEquals(0, refused.exit(), refused::toString);
        assertTrue(refused.json().get("msg").asText().contains("already has an IP address different from 10.89.0.1/24"), refused::toString);
        assertEquals(List.of("lo"), TestNamespaces.links(pod));

        var forced = add(pod, config("\"isGateway\":true,\"forceAddress\":true,", ranges));
        assertEquals(0, forced.exit(), forced::toString);
        var addresses = TestNamespaces.ipJson(node, "-4", "addr", "show", "dev", "br-opt").get(0).get("addr_info");
        assertEquals(1, addresses.size(), addresses::toString);
        assertEquals("10.89.0.1", addresses.get(0).get("local").asText());
    }

    @Test
    void disabledContainerInterfaceStaysDownWithoutAddresses() {
        var pod = namespaces.create("pod-a");
        var added = add(pod, config("\"disableContainerInterface\":true,", hostLocal("[[{\"subnet\":\"10.89.0.0/24\"}]]")));
        assertEquals(0, added.exit(), added::toString);
        assertEquals("10.89.0.2/24", added.json().get("ips").get(0).get("address").asText());
        var eth0 = link(pod, "eth0");
        assertFalse(eth0.get("flags").toString().contains("\"UP\""), eth0::toString);
        var addresses = TestNamespaces.ipJson(pod, "-4", "addr", "show", "dev", "eth0");
        assertFalse(addresses.toString().contains("10.89.0.2"), addresses::toString);
    }

    @Test
    void dualStackPodsReachEachOtherOverBothFamilies() {
        var config = config("\"isGateway\":true,",
                hostLocal("[[{\"subnet\":\"10.89.0.0/24\"}],[{\"subnet\":\"fd89::/64\"}]]"));
        var podA = namespaces.create("pod-a");
        var podB = namespaces.create("pod-b");
        var a = add(podA, config);
        assertEquals(0, a.exit(), a::toString);
        assertEquals(0, add(podB, config).exit());
        var ips = a.json().get("ips");
        assertEquals("10.89.0.2/24", ips.get(0).get("address").asText());
        assertEquals("fd89::2/64", ips.get(1).get("address").asText());
        assertEquals("fd89::1", ips.get(1).get("gateway").asText());
        assertEquals("0", TestNamespaces.run("ip", "netns", "exec", podA, "cat", "/proc/sys/net/ipv6/conf/eth0/accept_dad").strip());
        assertTrue(TestNamespaces.ping(podA, "10.89.0.3"));
        assertTrue(TestNamespaces.ping(podA, "fd89::3"));
        assertEquals("1", TestNamespaces.run("ip", "netns", "exec", node, "cat", "/proc/sys/net/ipv6/conf/all/forwarding").strip());
    }

    @Test
    void otherIpamTypesAreExecutedFromCniPath() {
        assumeTrue(Files.isExecutable(REFERENCE_BIN.resolve("static")), "reference plugins not installed");
        var pod = namespaces.create("pod-a");
        var config = config("\"isGateway\":true,",
                "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.91.0.7/24\",\"gateway\":\"10.91.0.1\"}]}");
        var added = add(pod, config);
        assertEquals(0, added.exit(), added::toString);
        assertEquals("10.91.0.7/24", added.json().get("ips").get(0).get("address").asText());
        assertTrue(TestNamespaces.ping(pod, "10.91.0.1"));
        var removed = Cni.bridge(node, Cni.env("DEL", "ctr-a", TestNamespaces.path(pod), "eth0"), config);
        assertEquals(0, removed.exit(), removed::toString);
    }

    @Test
    void sameConfigThroughTheReferenceBridgeGivesTheSameState() {
        assumeTrue(Files.isExecutable(REFERENCE_BIN.resolve("bridge")), "reference plugins not installed");
        var referenceNode = namespaces.create("refnode");
        var berthPod = namespaces.create("pod-berth");
        var referencePod = namespaces.create("pod-ref");
        var template = """
                {"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"br-cmp","isGateway":true,
                 "isDefaultGateway":true,"mtu":1450,"hairpinMode":true,
                 "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.92.0.0/24"}]],
                         "routes":[{"dst":"192.168.0.0/16"}]}}""";
        var berth = Cni.bridge(node, Cni.env("ADD", "ctr", TestNamespaces.path(berthPod), "eth0"),
                template.formatted("cmp-berth", dataDir));
        var reference = Cni.run(REFERENCE_BIN.resolve("bridge").toString(), referenceNode,
                Cni.env("ADD", "ctr", TestNamespaces.path(referencePod), "eth0"), template.formatted("cmp-ref", dataDir));
        assertEquals(0, berth.exit(), berth::toString);
        assertEquals(0, reference.exit(), reference::toString);

        assertEquals(reference.json().get("ips"), berth.json().get("ips"));
        assertEquals(reference.json().get("routes"), berth.json().get("routes"));
        assertEquals(shape(reference.json().get("interfaces")), shape(berth.json().get("interfaces")));

        assertEquals(kernelState(referencePod, "eth0"), kernelState(berthPod, "eth0"));
        assertEquals(kernelState(referenceNode, "br-cmp"), kernelState(node, "br-cmp"));
        var berthPort = link(node, berth.json().get("interfaces").get(1).get("name").asText());
        var referencePort = link(referenceNode, reference.json().get("interfaces").get(1).get("name").asText());
        assertEquals(referencePort.get("mtu"), berthPort.get("mtu"));
        assertEquals(referencePort.get("linkinfo").get("info_slave_data").get("hairpin"),
                berthPort.get("linkinfo").get("info_slave_data").get("hairpin"));
    }

    @Test
    void ipMasqChainMatchesTheReferenceAndGoesWithDel() {
        assumeTrue(Files.isExecutable(REFERENCE_BIN.resolve("bridge")), "reference plugins not installed");
        var referenceNode = namespaces.create("refnode");
        var berthPod = namespaces.create("pod-berth");
        var referencePod = namespaces.create("pod-ref");
        var template = """
                {"cniVersion":"1.0.0","name":"masq","type":"bridge","bridge":"br-masq","isGateway":true,"ipMasq":true,
                 "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.93.0.0/24"}]]}}""";
        var berthConfig = template.formatted(dataDir.resolve("berth"));
        var berth = Cni.bridge(node, Cni.env("ADD", "ctr-masq", TestNamespaces.path(berthPod), "eth0"), berthConfig);
        var reference = Cni.run(REFERENCE_BIN.resolve("bridge").toString(), referenceNode,
                Cni.env("ADD", "ctr-masq", TestNamespaces.path(referencePod), "eth0"), template.formatted(dataDir.resolve("ref")));
        assertEquals(0, berth.exit(), berth::toString);
        assertEquals(0, reference.exit(), reference::toString);
        var berthRules = nat(node);
        assertTrue(berthRules.stream().anyMatch(rule -> rule.contains("MASQUERADE")), berthRules::toString);
        assertEquals(nat(referenceNode), berthRules);

        namespaces.delete(berthPod);
        var removed = Cni.bridge(node, Cni.env("DEL", "ctr-masq", TestNamespaces.path(berthPod), "eth0"), berthConfig);
        assertEquals(0, removed.exit(), removed::toString);
        assertFalse(nat(node).stream().anyMatch(rule -> rule.contains("CNI-")), nat(node)::toString);
    }

    @Test
    void failedAddRemovesItsIpMasqChain() {
        var pod = namespaces.create("pod-a");
        // The range holds one address: the second ADD fails and must leave no chain of its own.
        var config = config("\"isGateway\":true,\"ipMasq\":true,", hostLocal("[[{\"subnet\":\"10.94.0.0/24\"}]]"));
        var taken = namespaces.create("pod-b");
        assertEquals(0, add(taken, config.replace("10.94.0.0/24\"", "10.94.0.0/24\",\"rangeEnd\":\"10.94.0.2\"")).exit());
        var failed = add(pod, config.replace("10.94.0.0/24\"", "10.94.0.0/24\",\"rangeEnd\":\"10.94.0.2\""));
        assertNotEquals(0, failed.exit(), failed::toString);
        assertEquals(1, nat(node).stream().filter(rule -> rule.startsWith("-N CNI-")).count(), nat(node)::toString);
    }

    @Test
    void containerMacFromRuntimeConfigOrCniArgsMatchesTheReference() {
        assumeTrue(Files.isExecutable(REFERENCE_BIN.resolve("bridge")), "reference plugins not installed");
        var referenceNode = namespaces.create("refnode");
        record Case(String name, String runtimeConfig, String cniArgs, String mac) {}
        var cases = List.of(
                new Case("runtimeConfig", ",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:aa\"}", null, "02:00:00:00:00:aa"),
                // host-local refuses an unknown MAC= too, so a runtime passing one sets IgnoreUnknown.
                new Case("CNI_ARGS", "", "IgnoreUnknown=1;MAC=02:00:00:00:00:BB", "02:00:00:00:00:bb"),
                new Case("runtimeConfig over CNI_ARGS", ",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:aa\"}",
                        "IgnoreUnknown=1;MAC=02:00:00:00:00:bb", "02:00:00:00:00:aa"));
        int n = 0;
        for (var c : cases) {
            n++;
            var berthPod = namespaces.create("pod-berth-" + n);
            var referencePod = namespaces.create("pod-ref-" + n);
            var template = """
                    {"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"br-mac",
                     "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.96.0.0/24"}]]}%s}""";
            var berthEnv = Cni.env("ADD", "ctr-mac-" + n, TestNamespaces.path(berthPod), "eth0");
            var referenceEnv = Cni.env("ADD", "ctr-mac-" + n, TestNamespaces.path(referencePod), "eth0");
            berthEnv.put("CNI_ARGS", c.cniArgs());
            referenceEnv.put("CNI_ARGS", c.cniArgs());
            var berth = Cni.bridge(node, berthEnv, template.formatted("mac-berth", dataDir, c.runtimeConfig()));
            var reference = Cni.run(REFERENCE_BIN.resolve("bridge").toString(), referenceNode, referenceEnv,
                    template.formatted("mac-ref", dataDir, c.runtimeConfig()));
            assertEquals(0, reference.exit(), c.name() + ": " + reference);
            assertEquals(0, berth.exit(), c.name() + ": " + berth);
            assertEquals(c.mac(), reference.json().get("interfaces").get(2).get("mac").asText(), c.name());
            assertEquals(c.mac(), berth.json().get("interfaces").get(2).get("mac").asText(), c.name());
            assertEquals(c.mac(), link(berthPod, "eth0").get("address").asText(), c.name());
        }

        var pod = namespaces.create("pod-invalid");
        var env = Cni.env("ADD", "ctr-bad", TestNamespaces.path(pod), "eth0");
        env.put("CNI_ARGS", "IgnoreUnknown=1;MAC=zz");
        var invalid = Cni.bridge(node, env, config("", hostLocal("[[{\"subnet\":\"10.97.0.0/24\"}]]")));
        assertEquals(4, invalid.code(), invalid::toString);
        assertTrue(invalid.json().get("msg").asText().contains("invalid MAC address"), invalid::toString);
        assertEquals(List.of("lo"), TestNamespaces.links(pod));
        assertEquals(List.of(), fixture.ipFiles("optnet"));
    }

    /** {@code iptables -t nat -S} of a namespace. */
    private static List<String> nat(String ns) {
        return List.of(TestNamespaces.run("ip", "netns", "exec", ns, "iptables", "-w", "-t", "nat", "-S").strip().split("\n"));
    }

    /** Interface names (veth names are random, so only their prefix) and which have a sandbox. */
    private static List<String> shape(JsonNode interfaces) {
        var shape = new ArrayList<String>();
        for (var item : interfaces) {
            var name = item.get("name").asText();
            shape.add((name.startsWith("veth") ? "veth*" : name) + (item.has("sandbox") ? " in sandbox" : "")
                    + (item.has("mac") ? " with mac" : ""));
        }
        return shape;
    }

    /** MTU, up-ness, IPv4 addresses and IPv4 routes of one link, as iproute2 shows them. */
    private static List<String> kernelState(String ns, String name) {
        var state = new ArrayList<String>();
        var link = link(ns, name);
        state.add("mtu " + link.get("mtu").asInt());
        state.add("up " + link.get("flags").toString().contains("\"UP\""));
        for (var address : TestNamespaces.ipJson(ns, "-4", "addr", "show", "dev", name).get(0).get("addr_info")) {
            state.add("addr " + address.get("local").asText() + "/" + address.get("prefixlen").asInt());
        }
        for (var route : TestNamespaces.ipJson(ns, "-4", "route", "show", "dev", name)) {
            state.add("route " + route.get("dst").asText() + (route.has("gateway") ? " via " + route.get("gateway").asText() : ""));
        }
        return state;
    }
}
