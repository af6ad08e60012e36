package dev.berth.cni.skel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.cni.types.CniException;
import dev.berth.linux.IpNet;
import dev.berth.linux.MacAddress;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CniArgsTest {
    private static final Set<String> HOST_LOCAL = Set.of(CniArgs.IP);

    @Test
    void knownKeysAreRead() {
        var args = CniArgs.parse("IP=10.1.0.9;MAC=02:00:00:00:00:09", Set.of(CniArgs.IP, CniArgs.MAC));
        assertEquals(Optional.of(IpNet.parseAddress("10.1.0.9")), args.ip());
        assertEquals(Optional.of(MacAddress.parse("02:00:00:00:00:09")), args.mac());
    }

    @Test
    void emptyArgsAreNoArgs() {
        assertEquals(Optional.empty(), CniArgs.parse("", HOST_LOCAL).ip());
    }

    @ParameterizedTest(name = "\"{0}\" ignores unknown keys")
    @CsvSource(delimiter = '|', value = {
        "IgnoreUnknown=1;K8S_POD_NAME=web-0;IP=10.1.0.9",
        "K8S_POD_NAME=web-0;IP=10.1.0.9;IgnoreUnknown=true",
        "IgnoreUnknown=TRUE;K8S_POD_NAMESPACE=shop;IP=10.1.0.9",
    })
    void ignoreUnknownAnywhereInTheList(String raw) {
        assertEquals(Optional.of(IpNet.parseAddress("10.1.0.9")), CniArgs.parse(raw, HOST_LOCAL).ip());
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {
        "K8S_POD_NAME=web-0;IP=10.1.0.9|ARGS: unknown args [\"K8S_POD_NAME=web-0\"]",
        "A=1;B=2|ARGS: unknown args [\"A=1\" \"B=2\"]",
        "IgnoreUnknown=0;A=1|ARGS: unknown args [\"A=1\"]",
        "IP|ARGS: invalid pair \"IP\"",
        "IP=1=2|ARGS: invalid pair \"IP=1=2\"",
        "IP=10.1.0.9;|ARGS: invalid pair \"\"",
        "IgnoreUnknown=yes;A=1|ARGS: error parsing value of pair \"IgnoreUnknown=yes\": boolean unmarshal error: invalid input yes",
    })
    void malformedOrUnknownArgsAreEnvironmentErrors(String raw, String message) {
        var error = assertThrows(CniException.class, () -> CniArgs.parse(raw, HOST_LOCAL));
        assertEquals(CniException.INVALID_ENVIRONMENT_VARIABLES, error.code());
        assertEquals(message, error.msg());
    }

    @Test
    void aBadIpValueNamesThePair() {
        var args = CniArgs.parse("IP=10.1.0.999", HOST_LOCAL);
        var error = assertThrows(CniException.class, args::ip);
        assertEquals("ARGS: error parsing value of pair \"IP=10.1.0.999\": invalid IP address: 10.1.0.999", error.msg());
    }
}
