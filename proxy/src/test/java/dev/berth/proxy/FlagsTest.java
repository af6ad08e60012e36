package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagsTest {
    @Test
    void defaultsAreKubeProxys() {
        var f = Flags.parse(List.of());
        assertEquals(Duration.ofSeconds(1), f.minSyncPeriod());
        assertEquals(Duration.ofSeconds(30), f.syncPeriod());
        assertEquals("0.0.0.0:10256", f.healthzBindAddress());
        assertEquals("127.0.0.1:10249", f.metricsBindAddress());
    }

    @Test
    void bothSpellingsAndBooleans() {
        var f = Flags.parse(List.of("--kubeconfig", "/k", "--hostname-override=Node1", "--cluster-cidr=10.0.0.0/8",
                "--masquerade-all", "--min-sync-period=250ms", "--sync-period", "1m30s", "--cleanup=true"));
        assertEquals("/k", f.kubeconfig());
        assertEquals("Node1", f.hostnameOverride());
        assertEquals("10.0.0.0/8", f.clusterCIDR());
        assertTrue(f.masqueradeAll());
        assertTrue(f.cleanup());
        assertEquals(Duration.ofMillis(250), f.minSyncPeriod());
        assertEquals(Duration.ofSeconds(90), f.syncPeriod());
    }

    @Test
    void badInputNamesTheFlag() {
        for (var args : List.of(List.of("--nope"), List.of("--sync-period", "soon"), List.of("--masquerade-all=maybe"),
                List.of("--min-sync-period=1m", "--sync-period=30s"), List.of("--kubeconfig"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> Flags.parse(args), args.toString());
            assertTrue(e.getMessage().contains("--"), e.getMessage());
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> bindAddresses() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("0.0.0.0:10256", "0.0.0.0", 10256),
                org.junit.jupiter.params.provider.Arguments.of("127.0.0.1:9999", "127.0.0.1", 9999),
                org.junit.jupiter.params.provider.Arguments.of("10.0.0.5", "10.0.0.5", 10256),
                org.junit.jupiter.params.provider.Arguments.of("[::1]:8080", "0:0:0:0:0:0:0:1", 8080),
                org.junit.jupiter.params.provider.Arguments.of("[::]", "0:0:0:0:0:0:0:0", 10256));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("bindAddresses")
    void bindAddressesReadAsKubeProxyReadsThem(String value, String host, int port) {
        var a = Flags.parse(List.of("--healthz-bind-address", value)).healthzAddress();
        assertEquals(host, a.getAddress().getHostAddress());
        assertEquals(port, a.getPort());
    }

    @Test
    void anEmptyBindAddressTurnsTheServerOff() {
        assertEquals(null, Flags.parse(List.of("--metrics-bind-address=")).metricsAddress());
        assertEquals(10249, Flags.parse(List.of()).metricsAddress().getPort());
    }

    @Test
    void aBadBindAddressFailsAtStart() {
        assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--healthz-bind-address", "nohost:1")));
        assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--metrics-bind-address", "1.2.3.4:x")));
    }
}
