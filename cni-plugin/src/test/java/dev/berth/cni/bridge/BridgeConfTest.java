package dev.berth.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cni.types.CniException;
import dev.berth.cni.types.NetConf;
import dev.berth.linux.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
        assertEquals(new BridgeConf("cni0", false, false, false, false, 0, false, false, 0, null, true, false, false, false, null),
                parse(""));
    }

    @Test
    void everyFieldIsRead() {
        assertEquals(new BridgeConf("br9", true, false, true, false, 1400, true, false, 10, null, false, true, true, true,
                        MacAddress.parse("02:00:00:00:00:0c")),
                parse("\"bridge\":\"br9\",\"isGateway\":true,\"forceAddress\":true,\"mtu\":1400,\"hairpinMode\":true,"
                        + "\"vlan\":10,\"preserveDefaultVlan\":false,\"enabledad\":true,\"disableContainerInterface\":true,"
                        + "\"portIsolation\":true,\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:0C\"}}"));
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
                Arguments.of("negative vlan", "\"vlan\":-1", 7, "invalid VLAN ID -1 (must be between 0 and 4094)"),
                Arguments.of("vlan 4095", "\"vlan\":4095", 7, "invalid VLAN ID 4095 (must be between 0 and 4094)"),
                Arguments.of("vlan and trunk", "\"vlan\":10,\"vlanTrunk\":[{\"id\":20}]", 7, "cannot set vlan and vlanTrunk at the same time"),
                Arguments.of("trunk id 0", "\"vlanTrunk\":[{\"id\":0}]", 7, "incorrect trunk id parameter"),
                Arguments.of("trunk id 4095", "\"vlanTrunk\":[{\"id\":4095}]", 7, "incorrect trunk id parameter"),
                Arguments.of("trunk minID 0", "\"vlanTrunk\":[{\"minID\":0,\"maxID\":5}]", 7, "incorrect trunk minID parameter"),
                Arguments.of("trunk maxID 4095", "\"vlanTrunk\":[{\"minID\":1,\"maxID\":4095}]", 7, "incorrect trunk maxID parameter"),
                Arguments.of("trunk min above max", "\"vlanTrunk\":[{\"minID\":9,\"maxID\":5}]", 7, "minID is greater than maxID"),
                Arguments.of("trunk minID alone", "\"vlanTrunk\":[{\"minID\":9}]", 7, "maxID is missing"),
                Arguments.of("trunk maxID alone", "\"vlanTrunk\":[{\"maxID\":9}]", 7, "minID is missing"),
                Arguments.of("invalid args.cni.mac", "\"args\":{\"cni\":{\"mac\":\"zz\"}}", 7, "invalid MAC address"),
                Arguments.of("nftables backend not served yet", "\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"", 2, "ipMasqBackend"));
    }

    static Stream<Arguments> vlans() {
        return Stream.of(
                Arguments.of("none", "", 0, null, false, false),
                Arguments.of("access", "\"vlan\":100", 100, null, true, true),
                Arguments.of("vlan 0 is none", "\"vlan\":0", 0, null, false, false),
                Arguments.of("trunk ids and ranges, sorted, no repeats",
                        "\"vlanTrunk\":[{\"id\":7},{\"minID\":3,\"maxID\":5},{\"id\":4},{\"minID\":9,\"maxID\":9,\"id\":1}]",
                        0, List.of(1, 3, 4, 5, 7, 9), true, true),
                Arguments.of("empty trunk still filters", "\"vlanTrunk\":[]", 0, List.of(), true, false),
                Arguments.of("trunk item without ids", "\"vlanTrunk\":[{}]", 0, List.of(), true, false),
                Arguments.of("vlan with empty trunk", "\"vlan\":5,\"vlanTrunk\":[]", 5, List.of(), true, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void vlans(String name, String fields, int vlan, List<Integer> trunk, boolean filtering, boolean portVlans) {
        var conf = parse(fields);
        assertEquals(vlan, conf.vlan());
        assertEquals(trunk, conf.vlanTrunk());
        assertEquals(filtering, conf.vlanFiltering());
        assertEquals(portVlans, conf.hasPortVlans());
        assertTrue(conf.preserveDefaultVlan(), "preserveDefaultVlan defaults to true");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(String name, String fields, int code, String message) {
        var error = assertThrows(CniException.class, () -> parse(fields));
        assertEquals(code, error.code());
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }
}
