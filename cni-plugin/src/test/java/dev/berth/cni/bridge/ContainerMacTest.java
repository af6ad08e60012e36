package dev.berth.cni.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cni.skel.CniArgs;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.NetConf;
import dev.berth.linux.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where the container interface's MAC comes from, in the reference's order of precedence. */
class ContainerMacTest {
    private static final String RUNTIME = "\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:aa\"}";
    private static final String ARGS = "\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:cc\"}}";
    private static final String ENV = "IgnoreUnknown=1;MAC=02:00:00:00:00:bb";

    private static MacAddress mac(String fields, String cniArgs) {
        var json = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"berth-bridge\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
        var config = NetConf.parse(json.getBytes(StandardCharsets.UTF_8));
        return BridgePlugin.containerMac(config, BridgeConf.parse(config), CniArgs.parse(cniArgs, Set.of(CniArgs.IP, CniArgs.MAC)));
    }

    static Stream<Arguments> precedence() {
        return Stream.of(
                Arguments.of("none: the kernel chooses", "", "", null),
                Arguments.of("CNI_ARGS alone", "", ENV, "02:00:00:00:00:bb"),
                Arguments.of("args.cni.mac alone", ARGS, "", "02:00:00:00:00:cc"),
                Arguments.of("runtimeConfig alone", RUNTIME, "", "02:00:00:00:00:aa"),
                Arguments.of("args.cni.mac over CNI_ARGS", ARGS, ENV, "02:00:00:00:00:cc"),
                Arguments.of("runtimeConfig over CNI_ARGS", RUNTIME, ENV, "02:00:00:00:00:aa"),
                Arguments.of("runtimeConfig over args.cni.mac", RUNTIME + "," + ARGS, ENV, "02:00:00:00:00:aa"),
                Arguments.of("upper case is read as lower case", "\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:AB\"}", "", "02:00:00:00:00:ab"),
                Arguments.of("an invalid CNI_ARGS MAC under a runtimeConfig one is never read", RUNTIME, "MAC=zz", "02:00:00:00:00:aa"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void precedence(String name, String fields, String cniArgs, String expected) {
        assertEquals(expected == null ? null : MacAddress.parse(expected), mac(fields, cniArgs));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("CNI_ARGS", "", "MAC=zz", CniException.INVALID_ENVIRONMENT_VARIABLES),
                Arguments.of("args.cni.mac", "\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00\"}}", "", CniException.INVALID_NETWORK_CONFIG),
                Arguments.of("runtimeConfig", "\"runtimeConfig\":{\"mac\":\"02-00-00-00-00-zz\"}", "", CniException.DECODING_FAILURE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void invalid(String name, String fields, String cniArgs, int code) {
        var error = assertThrows(CniException.class, () -> mac(fields, cniArgs));
        assertEquals(code, error.code());
        assertTrue(error.getMessage().contains("invalid MAC address"), error.getMessage());
    }
}
