package dev.berth.proxy.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.trace.PacketTracer.Packet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracer against hand-written rules, so flow tests rest on a tracer known to follow iptables semantics. */
class PacketTracerTest {
    private static final String RULES = """
            *filter
            :KUBE-SERVICES - [0:0]
            -A KUBE-SERVICES -m comment --comment "ns/none has no endpoints" -m tcp -p tcp -d 172.30.0.9 --dport 80 -j REJECT
            COMMIT
            *nat
            :KUBE-SERVICES - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-SVC-A - [0:0]
            :KUBE-SEP-1 - [0:0]
            :KUBE-SEP-2 - [0:0]
            :KUBE-SEP-3 - [0:0]
            :KUBE-SVC-G - [0:0]
            -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
            -A KUBE-POSTROUTING -j MASQUERADE
            -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
            -A KUBE-SERVICES -m tcp -p tcp -d 172.30.0.1 --dport 80 -j KUBE-SVC-A
            -A KUBE-SERVICES -m tcp -p tcp -d 172.30.0.2 --dport 80 -j KUBE-SVC-G
            -A KUBE-SVC-A ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
            -A KUBE-SVC-A -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-1
            -A KUBE-SVC-A -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-2
            -A KUBE-SVC-A -j KUBE-SEP-3
            -A KUBE-SEP-1 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
            -A KUBE-SEP-2 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
            -A KUBE-SEP-3 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:8080
            -A KUBE-SVC-G -g KUBE-SEP-2
            COMMIT
            """;

    private final PacketTracer tracer = new PacketTracer(RULES, List.of("192.168.0.2"));

    @Test
    void randomChoicesAreFollowedBothWays() {
        var trace = tracer.trace(Packet.tcp("10.0.0.5", "172.30.0.1", 80));
        assertEquals("10.180.0.1:80, 10.180.0.2:80, 10.180.0.3:8080", trace.output());
        assertFalse(trace.masquerade());
    }

    @Test
    void markSetInNatIsMasqueradedInPostrouting() {
        assertTrue(tracer.trace(Packet.tcp("203.0.113.1", "172.30.0.1", 80)).masquerade());
    }

    @Test
    void gotoTargetsAreFollowed() {
        assertEquals("10.180.0.2:80", tracer.trace(Packet.tcp("10.0.0.5", "172.30.0.2", 80)).output());
    }

    @Test
    void filterVerdictsApplyToUnmodifiedDestinations() {
        assertEquals("REJECT", tracer.trace(Packet.tcp("10.0.0.5", "172.30.0.9", 80)).output());
        assertEquals("", tracer.trace(Packet.tcp("10.0.0.5", "172.30.0.9", 81)).output());
    }

    @Test
    void inconsistentRulesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PacketTracer("""
                *nat
                :KUBE-SERVICES - [0:0]
                -A KUBE-SERVICES -j KUBE-SVC-MISSING
                COMMIT
                """, List.of()));
        assertTrue(e.getMessage().contains("KUBE-SVC-MISSING"), e.getMessage());
    }

    @Test
    void unknownOptionsAreRefusedRatherThanIgnored() {
        var e = assertThrows(IllegalArgumentException.class, () -> IptablesDump.parse("""
                *nat
                :X - [0:0]
                -A X -m owner --uid-owner 0 -j RETURN
                COMMIT
                """));
        assertTrue(e.getMessage().contains("owner"), e.getMessage());
    }
}
