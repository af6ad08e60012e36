package dev.berth.cni.ipam.hostlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cni.types.CniException;
import dev.berth.cni.types.NetConf;
import dev.berth.linux.IpNet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** host-local against a temporary data directory: order, wrap-around, requests, exhaustion, release, GC. */
class HostLocalTest {
    @TempDir
    Path dataDir;

    private final HostLocal ipam = new HostLocal();

    private NetConf config(String ipamBody) {
        return config(ipamBody, "");
    }

    private NetConf config(String ipamBody, String extra) {
        var json = """
                {"cniVersion":"1.1.0","name":"net1","type":"host-local",%s
                 "ipam":{"type":"host-local","dataDir":"%s",%s}}""".formatted(extra, dataDir, ipamBody);
        return NetConf.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Attachment pod(int n) {
        return new Attachment("container" + n, "eth0");
    }

    private List<String> allocateMany(NetConf config, int from, int count) {
        var got = new ArrayList<String>();
        for (int i = from; i < from + count; i++) {
            got.add(ipam.allocate(config, "", pod(i)).ips().getFirst().address().toString());
        }
        return got;
    }

    static Stream<Arguments> allocationOrder() {
        return Stream.of(
                Arguments.of("first address after the default gateway", "\"subnet\":\"10.1.0.0/29\"",
                        List.of("10.1.0.2/29", "10.1.0.3/29", "10.1.0.4/29")),
                Arguments.of("explicit range start and gateway in the middle",
                        "\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.10\",\"gateway\":\"10.1.0.11\"}]]",
                        List.of("10.1.0.10/24", "10.1.0.12/24", "10.1.0.13/24")),
                Arguments.of("next range of the set when the first ends",
                        "\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.5\",\"rangeEnd\":\"10.1.0.6\"},"
                                + "{\"subnet\":\"10.2.0.0/24\"}]]",
                        List.of("10.1.0.5/24", "10.1.0.6/24", "10.2.0.2/24")),
                Arguments.of("IPv6", "\"ranges\":[[{\"subnet\":\"fd00::/120\"}]]",
                        List.of("fd00::2/120", "fd00::3/120", "fd00::4/120")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void allocationOrder(String name, String ipamBody, List<String> expected) {
        assertEquals(expected, allocateMany(config(ipamBody), 0, expected.size()));
    }

    @Test
    void roundRobinWrapsAroundAndSkipsTakenAddresses() {
        var config = config("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.2\",\"rangeEnd\":\"10.1.0.4\"}]]");
        assertEquals(List.of("10.1.0.2/24", "10.1.0.3/24", "10.1.0.4/24"), allocateMany(config, 0, 3));
        ipam.release(config, "", pod(0));
        ipam.release(config, "", pod(1));
        // After .4 the search wraps to the start of the range, not to the lowest released address twice.
        assertEquals(List.of("10.1.0.2/24", "10.1.0.3/24"), allocateMany(config, 10, 2));
    }

    @Test
    void releasedAddressIsNotReusedBeforeTheRestOfTheRange() {
        var config = config("\"subnet\":\"10.1.0.0/28\"");
        allocateMany(config, 0, 2);
        ipam.release(config, "", pod(0));
        assertEquals(List.of("10.1.0.4/28"), allocateMany(config, 5, 1));
    }

    @Test
    void lastReservedOutsideTheSetStartsAtTheBeginning() throws IOException {
        var config = config("\"subnet\":\"10.1.0.0/28\"");
        Files.createDirectories(dataDir.resolve("net1"));
        Files.writeString(dataDir.resolve("net1/last_reserved_ip.0"), "192.168.0.9");
        assertEquals(List.of("10.1.0.2/28"), allocateMany(config, 0, 1));
    }

    @Test
    void onDiskFormatMatchesTheReference() throws IOException {
        var config = config("\"subnet\":\"10.1.0.0/24\"");
        ipam.allocate(config, "", new Attachment("abc123", "eth0"));
        var dir = dataDir.resolve("net1");
        assertEquals("abc123\r\neth0", Files.readString(dir.resolve("10.1.0.2")));
        assertEquals("10.1.0.2", Files.readString(dir.resolve("last_reserved_ip.0")));
        assertTrue(Files.exists(dir.resolve("lock")));
    }

    @Test
    void dualStackAllocatesOnePerRangeSetWithGateways() {
        var config = config("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"fd00::/64\"}]],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]");
        var result = ipam.allocate(config, "", pod(0));
        assertEquals(List.of("10.1.0.2/24", "fd00::2/64"), result.ips().stream().map(ip -> ip.address().toString()).toList());
        assertEquals(List.of("10.1.0.1", "fd00::1"), result.ips().stream().map(ip -> IpNet.format(ip.gateway())).toList());
        assertEquals("0.0.0.0/0", result.routes().getFirst().dst().toString());
    }

    static Stream<Arguments> requestedAddresses() {
        return Stream.of(
                Arguments.of("CNI_ARGS IP=", "", "IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.1.0.7", "10.1.0.7/24"),
                Arguments.of("runtimeConfig ips", "\"runtimeConfig\":{\"ips\":[\"10.1.0.8/24\"]},", "", "10.1.0.8/24"),
                Arguments.of("args.cni.ips", "\"args\":{\"cni\":{\"ips\":[\"10.1.0.9\"]}},", "", "10.1.0.9/24"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void requestedAddresses(String name, String extra, String cniArgs, String expected) {
        var config = config("\"subnet\":\"10.1.0.0/24\"", extra);
        assertEquals(expected, ipam.allocate(config, cniArgs, pod(0)).ips().getFirst().address().toString());
    }

    static Stream<Arguments> failedAllocations() {
        return Stream.of(
                Arguments.of("requested gateway", "IP=10.1.0.1", "requested ip 10.1.0.1 is subnet's gateway"),
                Arguments.of("requested outside", "IP=10.9.0.1", "failed to allocate all requested IPs: 10.9.0.1"),
                Arguments.of("requested taken", "IP=10.1.0.2", "requested IP address 10.1.0.2 is not available"),
                Arguments.of("unknown CNI_ARGS key", "FOO=1", "ARGS: unknown args"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void failedAllocations(String name, String cniArgs, String message) throws IOException {
        var config = config("\"subnet\":\"10.1.0.0/24\"");
        ipam.allocate(config, "", pod(0));
        var error = assertThrows(CniException.class, () -> ipam.allocate(config, cniArgs, pod(1)));
        assertTrue(error.getMessage().contains(message), error.getMessage());
        // Nothing but the first pod's address is left behind.
        assertEquals(1, DiskStore.open(dataDir, "net1").reservations().size());
    }

    @Test
    void exhaustedRangeFailsAddAndStatusReports50() {
        var config = config("\"subnet\":\"10.1.0.0/30\"");
        ipam.checkCapacity(config);
        allocateMany(config, 0, 1);
        var add = assertThrows(CniException.class, () -> allocateMany(config, 1, 1));
        assertTrue(add.getMessage().contains("no IP addresses available in range set: 10.1.0.1-10.1.0.2"), add.getMessage());
        var status = assertThrows(CniException.class, () -> ipam.checkCapacity(config));
        assertEquals(CniException.PLUGIN_NOT_AVAILABLE, status.code());
    }

    @Test
    void dualStackFailureReleasesTheFirstFamily() {
        var config = config("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"fd00::/126\"}]]");
        // fd00::/126 has ::2 and ::3 to give (::1 is the gateway; IPv6 has no broadcast address).
        allocateMany(config, 0, 2);
        assertThrows(CniException.class, () -> allocateMany(config, 2, 1));
        assertEquals(4, DiskStore.open(dataDir, "net1").reservations().size());
    }

    @Test
    void duplicateAllocationForOneAttachmentIsRefused() {
        var config = config("\"subnet\":\"10.1.0.0/24\"");
        ipam.allocate(config, "", pod(0));
        var error = assertThrows(CniException.class, () -> ipam.allocate(config, "", pod(0)));
        assertTrue(error.getMessage().contains("duplicate allocation is not allowed"), error.getMessage());
    }

    @Test
    void releaseMatchesContainerAndInterfaceAndIsIdempotent() throws IOException {
        var config = config("\"subnet\":\"10.1.0.0/24\"");
        ipam.allocate(config, "", new Attachment("c1", "eth0"));
        ipam.allocate(config, "", new Attachment("c1", "eth1"));
        ipam.release(config, "", new Attachment("c1", "eth0"));
        ipam.release(config, "", new Attachment("c1", "eth0"));
        var left = DiskStore.open(dataDir, "net1").reservations();
        assertEquals(List.of(new Attachment("c1", "eth1")), List.copyOf(left.values()));
        ipam.verify(config, "", new Attachment("c1", "eth1"));
        assertThrows(CniException.class, () -> ipam.verify(config, "", new Attachment("c1", "eth0")));
    }

    @Test
    void legacyRecordOfTheIdAloneIsReleased() throws IOException {
        var config = config("\"subnet\":\"10.1.0.0/24\"");
        Files.createDirectories(dataDir.resolve("net1"));
        Files.writeString(dataDir.resolve("net1/10.1.0.5"), "old-container\n");
        ipam.release(config, "", new Attachment("old-container", "eth0"));
        assertTrue(DiskStore.open(dataDir, "net1").reservations().isEmpty());
    }

    @Test
    void gcReleasesEveryAttachmentNotListedAsValid() {
        var config = config("\"subnet\":\"10.1.0.0/24\"");
        allocateMany(config, 0, 3);
        var gc = config("\"subnet\":\"10.1.0.0/24\"",
                "\"cni.dev/valid-attachments\":[{\"containerID\":\"container1\",\"ifname\":\"eth0\"}],");
        var released = ipam.collect(gc).stream().map(IpNet::format).sorted().toList();
        assertEquals(List.of("10.1.0.2", "10.1.0.4"), released);
        assertEquals(List.of(new Attachment("container1", "eth0")),
                List.copyOf(DiskStore.open(dataDir, "net1").reservations().values()));
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                Arguments.of("no ranges", "\"routes\":[]", "no IP ranges specified"),
                Arguments.of("host bits set", "\"subnet\":\"10.1.0.1/24\"", "Network has host bits set"),
                Arguments.of("too small", "\"subnet\":\"10.1.0.0/31\"", "too small to allocate from"),
                Arguments.of("start outside", "\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.2.0.1\"", "RangeStart 10.2.0.1 not in network"),
                Arguments.of("end outside", "\"subnet\":\"10.1.0.0/24\",\"rangeEnd\":\"10.2.0.1\"", "RangeEnd 10.2.0.1 not in network"),
                Arguments.of("overlap in a set", "\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"10.1.0.0/25\"}]]", "overlap"),
                Arguments.of("overlapping sets", "\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"10.1.0.0/25\"}]]",
                        "range set 0 overlaps with 1"),
                Arguments.of("mixed families", "\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"fd00::/64\"}]]",
                        "mixed address families"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void invalidConfigs(String name, String ipamBody, String message) {
        var error = assertThrows(CniException.class, () -> ipam.allocate(config(ipamBody), "", pod(0)));
        assertEquals(CniException.INVALID_NETWORK_CONFIG, error.code());
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }

    @Test
    void resolvConfBecomesTheResultDns() throws IOException {
        var file = dataDir.resolve("resolv.conf");
        Files.writeString(file, "# comment\nnameserver 10.0.0.10\nsearch a.local b.local\noptions ndots:5\ndomain a.local\n");
        var result = ipam.allocate(config("\"subnet\":\"10.1.0.0/24\",\"resolvConf\":\"" + file + "\""), "", pod(0));
        assertEquals(List.of("10.0.0.10"), result.dns().nameservers());
        assertEquals(List.of("a.local", "b.local"), result.dns().search());
        assertEquals(List.of("ndots:5"), result.dns().options());
        assertEquals("a.local", result.dns().domain());
    }
}
