package dev.berth.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cni.types.CniException;
import dev.berth.cni.types.NetConf;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bridge fields: names, defaults and the combinations the reference refuses. */
class BridgeConfTest {
    private static BridgeConf parse(String fields) {
        var json = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"berth-bridge\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
        return BridgeConf.parse(NetConf.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void defaults() {
        assertEquals(new BridgeConf("cni0", false, false, false, false, 0, false, false, 0, false, false, false), parse(""));
    }

    @Test
    void everyFieldIsRead() {
        assertEquals(new BridgeConf("br9", true, false, true, false, 1400, true, false, 0, true, true, true),
                parse("\"bridge\":\"br9\",\"isGateway\":true,\"forceAddress\":true,\"mtu\":1400,\"hairpinMode\":true,"
                        + "\"enabledad\":true,\"disableContainerInterface\":true,\"portIsolation\":true"));
    }

    @Test
    void defaultGatewayImpliesGateway() {
        var conf = parse("\"isDefaultGateway\":true");
        assertTrue(conf.isGateway());
        assertTrue(conf.isDefaultGateway());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("hairpin with promiscuous", "\"hairpinMode\":true,\"promiscMode\":true", 7, "cannot set hairpin mode"),
                Arguments.of("name too long", "\"bridge\":\"a-very-long-bridge-name\"", 7, "invalid bridge name"),
                Arguments.of("negative mtu", "\"mtu\":-1", 7, "invalid mtu"),
                Arguments.of("vlan out of range", "\"vlan\":5000", 7, "invalid VLAN ID"),
                Arguments.of("wrong type", "\"isGateway\":\"yes\"", 7, "isGateway must be a boolean"),
                Arguments.of("vlan not served yet", "\"vlan\":10", 2, "vlan"),
                Arguments.of("nftables backend not served yet", "\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"", 2, "ipMasqBackend"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(String name, String fields, int code, String message) {
        var error = assertThrows(CniException.class, () -> parse(fields));
        assertEquals(code, error.code());
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }
}
