package dev.berth.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cni.it.Cni;
import dev.berth.linux.TestNamespaces;
import dev.berth.cni.it.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * berth-bridge run as a real process (the launcher) inside a "node" namespace this test creates, attaching
 * "pod" namespaces it creates too: connectivity, DEL's idempotence, CHECK, and failures that leave
 * nothing behind.
 */
class BridgePluginIT {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private String config(String version, String subnet) {
        return """
                {"cniVersion":"%s","name":"itnet","type":"berth-bridge","bridge":"br-it","isGateway":true,
                 "isDefaultGateway":true,"mtu":1400,
                 "ipam":{"type":"host-local","dataDir":"%s","subnet":"%s"}}""".formatted(version, dataDir, subnet);
    }

    private String config() {
        return config("1.1.0", "10.88.0.0/24");
    }

    private Cni.Outcome add(String pod, String id, String config) {
        return Cni.bridge(node, Cni.env("ADD", id, TestNamespaces.path(pod), "eth0"), config);
    }

    private Cni.Outcome del(String pod, String id, String config) {
        return Cni.bridge(node, Cni.env("DEL", id, TestNamespaces.path(pod), "eth0"), config);
    }

    private List<String> ipFiles() {
        return fixture.ipFiles("itnet");
    }

    @Test
    void twoPodsOnTheBridgeReachEachOtherAndTheGateway() throws IOException {
        var podA = namespaces.create("pod-a");
        var podB = namespaces.create("pod-b");
        var a = add(podA, "ctr-a", config());
        assertEquals(0, a.exit(), a::toString);
        var b = add(podB, "ctr-b", config());
        assertEquals(0, b.exit(), b::toString);

        assertEquals("1.1.0", a.json().get("cniVersion").asText());
        var interfaces = a.json().get("interfaces");
        assertEquals("br-it", interfaces.get(0).get("name").asText());
        assertTrue(interfaces.get(1).get("name").asText().startsWith("veth"));
        assertEquals("eth0", interfaces.get(2).get("name").asText());
        assertEquals(TestNamespaces.path(podA), interfaces.get(2).get("sandbox").asText());
        var ip = a.json().get("ips").get(0);
        assertEquals(2, ip.get("interface").asInt());
        assertEquals("10.88.0.2/24", ip.get("address").asText());
        assertEquals("10.88.0.1", ip.get("gateway").asText());
        assertEquals("0.0.0.0/0", a.json().get("routes").get(0).get("dst").asText());
        assertEquals("10.88.0.3/24", b.json().get("ips").get(0).get("address").asText());

        assertTrue(TestNamespaces.ping(podA, "10.88.0.3"), "pod A reaches pod B");
        assertTrue(TestNamespaces.ping(podB, "10.88.0.2"), "pod B reaches pod A");
        assertTrue(TestNamespaces.ping(podA, "10.88.0.1"), "pod A reaches the gateway");

        var bridge = TestNamespaces.ipJson(node, "addr", "show", "dev", "br-it").get(0);
        assertEquals(1400, bridge.get("mtu").asInt());
        assertTrue(bridge.get("addr_info").toString().contains("\"10.88.0.1\""), bridge::toString);
        var eth0 = TestNamespaces.ipJson(podA, "link", "show", "dev", "eth0").get(0);
        assertEquals(1400, eth0.get("mtu").asInt());
        assertEquals("1", TestNamespaces.run("ip", "netns", "exec", node, "cat", "/proc/sys/net/ipv4/ip_forward").strip());
        assertEquals(List.of("10.88.0.2", "10.88.0.3"), ipFiles());
        assertEquals("ctr-a\r\neth0", Files.readString(dataDir.resolve("itnet/10.88.0.2")));
    }

    @Test
    void delIsIdempotentAndSucceedsWhenTheNamespaceIsGone() throws IOException {
        var podA = namespaces.create("pod-a");
        var podB = namespaces.create("pod-b");
        assertEquals(0, add(podA, "ctr-a", config()).exit());
        assertEquals(0, add(podB, "ctr-b", config()).exit());

        var first = del(podA, "ctr-a", config());
        assertEquals(0, first.exit(), first::toString);
        assertEquals(List.of("lo"), TestNamespaces.links(podA));
        var second = del(podA, "ctr-a", config());
        assertEquals(0, second.exit(), second::toString);

        namespaces.delete(podB);
        var gone = del(podB, "ctr-b", config());
        assertEquals(0, gone.exit(), gone::toString);
        assertEquals(List.of(), ipFiles());
        // Only the shared bridge is left in the node: both host veths went with their peers.
        assertEquals(List.of("lo", "br-it"), TestNamespaces.links(node));
    }

    @Test
    void checkPassesAfterAddAndFailsOnceTheInterfaceIsGone() {
        var pod = namespaces.create("pod");
        var added = add(pod, "ctr", config());
        assertEquals(0, added.exit(), added::toString);
        var withPrev = (ObjectNode) readTree(config());
        withPrev.set("prevResult", added.json());
        var env = Cni.env("CHECK", "ctr", TestNamespaces.path(pod), "eth0");

        var ok = Cni.bridge(node, env, withPrev.toString());
        assertEquals(0, ok.exit(), ok::toString);

        TestNamespaces.run("ip", "-n", pod, "link", "del", "eth0");
        var broken = Cni.bridge(node, env, withPrev.toString());
        assertNotEquals(0, broken.exit(), broken::toString);
        assertTrue(broken.json().get("msg").asText().contains("eth0"), broken::toString);
    }

    @Test
    void resultsInEveryVersion() {
        var pod = namespaces.create("pod");
        for (var version : List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")) {
            var config = config(version, "10.88.0.0/24");
            var added = add(pod, "ctr", config);
            assertEquals(0, added.exit(), version + ": " + added);
            assertEquals(version, added.json().get("cniVersion").asText());
            var hasInterfaces = added.json().has("interfaces");
            assertEquals(!version.startsWith("0.1") && !version.startsWith("0.2"), hasInterfaces, version + ": " + added);
            var removed = del(pod, "ctr", config);
            assertEquals(0, removed.exit(), version + ": " + removed);
        }
    }

    @Test
    void errorsCarryTheSpecCodeAndLeaveNothingBehind() throws IOException {
        var pod = namespaces.create("pod");
        var path = TestNamespaces.path(pod);
        record Case(String name, java.util.Map<String, String> env, String config, int code) {}
        var missingNetns = Cni.env("ADD", "ctr", null, "eth0");
        var cases = List.of(
                new Case("malformed JSON", Cni.env("ADD", "ctr", path, "eth0"), "{\"cniVersion\":", 6),
                new Case("unknown cniVersion", Cni.env("ADD", "ctr", path, "eth0"),
                        config("9.9.9", "10.88.0.0/24"), 1),
                new Case("missing CNI_NETNS", missingNetns, config(), 4),
                new Case("invalid subnet", Cni.env("ADD", "ctr", path, "eth0"), config("1.1.0", "10.88.0.1/24"), 7),
                new Case("hairpin with promiscuous", Cni.env("ADD", "ctr", path, "eth0"),
                        config().replace("\"mtu\":1400", "\"hairpinMode\":true,\"promiscMode\":true"), 7));
        for (var c : cases) {
            var outcome = Cni.bridge(node, c.env(), c.config());
            assertNotEquals(0, outcome.exit(), c.name() + ": " + outcome);
            assertEquals(c.code(), outcome.code(), c.name() + ": " + outcome);
            assertEquals(List.of("lo"), TestNamespaces.links(pod), c.name());
            assertEquals(List.of(), ipFiles(), c.name());
            assertFalse(TestNamespaces.links(node).stream().anyMatch(l -> l.startsWith("veth")), c.name());
        }
    }

    @Test
    void failedAllocationRemovesTheVethItCreated() throws IOException {
        var first = namespaces.create("first");
        var second = namespaces.create("second");
        // A /30 has one address to give after the gateway.
        var config = config("1.1.0", "10.88.0.0/30");
        assertEquals(0, add(first, "ctr-1", config).exit());
        var exhausted = add(second, "ctr-2", config);
        assertNotEquals(0, exhausted.exit(), exhausted::toString);
        assertTrue(exhausted.json().get("msg").asText().contains("no IP addresses available"), exhausted::toString);
        assertEquals(List.of("lo"), TestNamespaces.links(second));
        assertEquals(1, TestNamespaces.links(node).stream().filter(l -> l.startsWith("veth")).count());
        assertEquals(List.of("10.88.0.2"), ipFiles());

        var status = Cni.bridge(node, Cni.env("STATUS", null, null, null), config);
        assertEquals(50, status.code(), status::toString);
    }

    @Test
    void gcReclaimsAddressesOfAttachmentsLostInAReboot() throws IOException {
        var pod = namespaces.create("pod");
        assertEquals(0, add(pod, "survivor", config()).exit());
        // What a reboot leaves: address files of containers that no longer exist.
        Files.writeString(dataDir.resolve("itnet/10.88.0.50"), "lost-1\r\neth0");
        Files.writeString(dataDir.resolve("itnet/10.88.0.51"), "lost-2\r\neth0");
        var gc = (ObjectNode) readTree(config());
        gc.putArray("cni.dev/valid-attachments").addObject().put("containerID", "survivor").put("ifname", "eth0");
        var outcome = Cni.bridge(node, Cni.env("GC", null, null, null), gc.toString());
        assertEquals(0, outcome.exit(), outcome::toString);
        assertEquals(List.of("10.88.0.2"), ipFiles());
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
