package dev.berth.proxy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Chain names must equal kube-proxy's for the same service port; these are names kube-proxy produces. */
class ChainNamesTest {
    static Stream<Arguments> servicePorts() {
        return Stream.of(
                Arguments.of("ns1/svc1:p80", "tcp", "XPGD46QRK7WJZT7O"),
                Arguments.of("ns2/svc2:p80", "tcp", "GNZBNJ2PO5MGZ6GT"),
                Arguments.of("ns3/svc3:p80", "tcp", "X27LE4BHSL4DOUIK"),
                Arguments.of("ns4/svc4:p80", "tcp", "4SW47YFZTEDKD3PK"),
                Arguments.of("ns5/svc5:p80", "tcp", "NUKIZ6OKUXPJNT4C"));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("servicePorts")
    void servicePortHashMatchesKubeProxy(String servicePortName, String protocol, String hash) {
        assertEquals(hash, ChainNames.portProtoHash(servicePortName, protocol));
    }

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("ns1/svc1:p80", "10.180.0.1:80", "KUBE-SEP-SXIVWICOYRO3J4NJ"),
                Arguments.of("ns2/svc2:p80", "10.180.0.2:80", "KUBE-SEP-RS4RBKLTHTF2IUXJ"),
                Arguments.of("ns3/svc3:p80", "10.180.0.3:80", "KUBE-SEP-OYPFS5VJICHGATKP"),
                Arguments.of("ns4/svc4:p80", "10.180.0.4:80", "KUBE-SEP-UKSFD7AGPMPPLUHC"),
                Arguments.of("ns4/svc4:p80", "10.180.0.5:80", "KUBE-SEP-C6EBXVWJJZMIWKLZ"),
                Arguments.of("ns5/svc5:p80", "10.180.0.3:80", "KUBE-SEP-I77PXRDZVX7PMWMN"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("endpoints")
    void endpointChainMatchesKubeProxy(String servicePortName, String endpoint, String chain) {
        assertEquals(chain, ChainNames.endpointChain(servicePortName, "tcp", endpoint));
    }

    /** The names as the definition says, the slow way: the reused digest and buffers must not change them. */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"ns1/svc1:p80", "ns/ünïcode:p", "ns/a-very-long-service-name-that-goes-on-and-on-and-on-and-on:"
            + "a-port-name-as-long-as-they-come", ""})
    void reusedBuffersGiveTheDefinedName(String servicePortName) throws Exception {
        var endpoint = "[fd00:10:180::1]:8080";
        var digest = MessageDigest.getInstance("SHA-256")
                .digest((servicePortName + "udp" + endpoint).getBytes(StandardCharsets.UTF_8));
        var bits = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            bits.append(String.format("%8s", Integer.toBinaryString(digest[i] & 0xff)).replace(' ', '0'));
        }
        var expected = new StringBuilder("KUBE-SEP-");
        for (int i = 0; i < 80; i += 5) {
            expected.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(Integer.parseInt(bits.substring(i, i + 5), 2)));
        }
        for (int round = 0; round < 2; round++) {
            assertEquals(expected.toString(), ChainNames.endpointChain(servicePortName, "udp", endpoint));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servicePorts")
    void namesFitIptablesLimit(String servicePortName, String protocol, String hash) {
        // iptables chain names are at most 28 characters; the longest prefix is KUBE-SVC-/KUBE-SEP-/KUBE-EXT-.
        assertEquals(25, (ChainNames.SVC_PREFIX + ChainNames.portProtoHash(servicePortName, protocol)).length());
    }
}
