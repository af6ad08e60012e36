package dev.berth.proxy.rules;

import static dev.berth.proxy.model.Protocol.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.model.EndpointHints;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.model.SessionAffinity;
import dev.berth.proxy.trace.IptablesDump;
import dev.berth.proxy.trace.PacketTracer;
import dev.berth.proxy.trace.PacketTracer.Packet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleGeneratorTest {
    @ParameterizedTest(name = "1/{0} = {1}")
    @CsvSource({"1, 1.0000000000", "2, 0.5000000000", "3, 0.3333333333", "7, 0.1428571429", "10, 0.1000000000",
            // 1/2048 is exactly ...28125: Go rounds the tie to even, where String.format would round up.
            "2048, 0.0004882812", "100000, 0.0000100000"})
    void probabilityIsFormattedAsKubeProxyFormatsIt(int n, String expected) {
        assertEquals(expected, RuleGenerator.probability(n));
    }

    @Test
    void endpointsAreChosenWithDecreasingConditionalProbabilities() {
        var slice = EndpointSlice.builder("ns", "svc", "svc-1").port("p80", TCP, 80);
        for (int i = 1; i <= 4; i++) {
            slice.endpoint("10.180.0." + i, "node2");
        }
        var text = RuleGenerator.generate(new ProxyState(List.of(Fixtures.clusterIP("ns", "svc", "172.30.0.1")),
                List.of(slice.build())), Fixtures.node().build()).restoreInput();
        var probabilities = text.lines().filter(l -> l.contains("-m statistic"))
                .map(l -> l.replaceAll(".*--probability (\\S+).*", "$1")).toList();
        assertEquals(List.of("0.2500000000", "0.3333333333", "0.5000000000"), probabilities);
    }

    @Test
    void outputDoesNotDependOnInputOrder() {
        var state = Fixtures.cluster();
        var services = new ArrayList<>(state.services());
        var slices = new ArrayList<>(state.endpointSlices());
        Collections.shuffle(services, new Random(1));
        Collections.shuffle(slices, new Random(2));
        var config = Fixtures.node().build();
        assertEquals(RuleGenerator.generate(state, config).restoreInput(),
                RuleGenerator.generate(new ProxyState(services, slices), config).restoreInput());
    }

    @Test
    void countsMatchTheText() {
        var rules = RuleGenerator.generate(Fixtures.cluster(), Fixtures.node().build());
        var text = rules.restoreInput();
        var filter = text.substring(0, text.indexOf("*nat"));
        var nat = text.substring(text.indexOf("*nat"));
        assertEquals(rules.filterChains(), (int) filter.lines().filter(l -> l.startsWith(":")).count());
        assertEquals(rules.filterRules(), (int) filter.lines().filter(l -> l.startsWith("-A")).count());
        assertEquals(rules.natChains(), (int) nat.lines().filter(l -> l.startsWith(":")).count());
        assertEquals(rules.natRules(), (int) nat.lines().filter(l -> l.startsWith("-A")).count());
        assertEquals(rules.natRules(), rules.natRulesTotal());
        var perServiceChains = nat.lines().filter(l -> l.startsWith(":") && ChainNames.isServiceChain(l.substring(1)))
                .map(l -> l.substring(1, l.indexOf(' '))).collect(Collectors.toSet());
        assertEquals(perServiceChains, rules.activeNatChains());
    }

    @Test
    void partialGenerationKeepsDispatchAndCountsButSkipsUnchangedChains() {
        var config = Fixtures.node().build();
        var full = RuleGenerator.generate(Fixtures.cluster(), config);
        var partial = RuleGenerator.generate(Fixtures.cluster(), config, Set.of(NamespacedName.of("ns1", "svc1")));
        assertEquals(full.natRulesTotal(), partial.natRulesTotal());
        assertEquals(full.activeNatChains(), partial.activeNatChains());
        assertTrue(partial.natRules() < full.natRules());
        var text = partial.restoreInput();
        assertTrue(text.contains(":KUBE-SVC-XPGD46QRK7WJZT7O"), "changed service's chain is written");
        assertTrue(text.contains("\"ns4/svc4:p80 cluster IP\""), "KUBE-SERVICES stays complete");
        assertFalse(text.contains(":KUBE-SVC-4SW47YFZTEDKD3PK"), "unchanged service's chain is not rewritten");
        assertEquals(full.restoreInput().lines().filter(l -> l.startsWith("-A KUBE-SERVICES")).toList(),
                text.lines().filter(l -> l.startsWith("-A KUBE-SERVICES")).toList());
    }

    @Test
    void largeClustersDropPerEndpointComments() {
        var services = new ArrayList<Service>();
        var slices = new ArrayList<EndpointSlice>();
        for (int s = 0; s < 11; s++) {
            services.add(Fixtures.clusterIP("ns", "svc" + s, "172.30.1." + s));
            var slice = EndpointSlice.builder("ns", "svc" + s, "svc" + s + "-1").port("p80", TCP, 80);
            for (int e = 0; e < 100; e++) {
                slice.endpoint("10.1." + s + "." + e, "node2");
            }
            slices.add(slice.build());
        }
        var rules = RuleGenerator.generate(new ProxyState(services, slices), Fixtures.node().build());
        assertEquals(1100, rules.endpoints());
        var sep = rules.restoreInput().lines().filter(l -> l.startsWith("-A KUBE-SEP-")).toList();
        assertEquals(2200, sep.size());
        assertTrue(sep.stream().noneMatch(l -> l.contains("--comment")), sep.getFirst());
        assertTrue(rules.restoreInput().contains("\"ns/svc0:p80 cluster IP\""), "service-level comments stay");
    }

    @Test
    void clientIpAffinityChecksRecentListBeforeRandomChoice() {
        var svc = Fixtures.clusterIP("ns", "svc", "172.30.0.1").toBuilder()
                .sessionAffinity(SessionAffinity.clientIP(60)).build();
        var slice = EndpointSlice.builder("ns", "svc", "s").port("p80", TCP, 80)
                .endpoint("10.180.0.1", "n").endpoint("10.180.0.2", "n").build();
        var lines = RuleGenerator.generate(new ProxyState(List.of(svc), List.of(slice)), Fixtures.node().build())
                .restoreInput().lines().filter(l -> l.startsWith("-A KUBE-SVC-")).toList();
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).contains("-m recent --name KUBE-SEP-") && lines.get(1).contains("--rcheck --seconds 60 --reap"));
        assertTrue(lines.get(2).contains("--rcheck --seconds 60 --reap"));
        assertTrue(lines.get(3).contains("-m statistic"));
    }

    @Test
    void sourceRangeContainingTheNodeAlsoAdmitsTheLoadBalancerIP() {
        var svc = Service.builder("ns", "lb").type(ServiceType.LOAD_BALANCER).clusterIPs("172.30.0.1")
                .port("p80", TCP, 80, 30080).loadBalancerIPs("5.6.7.8").loadBalancerSourceRanges("192.168.0.0/16").build();
        var slice = Fixtures.slice("ns", "lb", Fixtures.ep("10.180.0.1", "n"));
        var text = RuleGenerator.generate(new ProxyState(List.of(svc), List.of(slice)), Fixtures.node().build())
                .restoreInput();
        assertTrue(text.contains("\"ns/lb:p80 loadbalancer IP\" -s 5.6.7.8 -j KUBE-EXT-"), text);
        var tracer = new PacketTracer(text, List.of(Fixtures.NODE_IP));
        assertEquals("10.180.0.1:80", tracer.trace(Packet.tcp("5.6.7.8", "5.6.7.8", 80)).output());
        assertEquals("DROP", tracer.trace(Packet.tcp("10.9.9.9", "5.6.7.8", 80)).output());
    }

    @Test
    void zoneHintsNarrowClusterEndpointsToTheNodesZone() {
        var slice = EndpointSlice.builder("ns", "svc", "s").port("p80", TCP, 80)
                .endpoint(Fixtures.ep("10.180.0.1", "a").withZone("zone-a", new EndpointHints(List.of("zone-a"), List.of())))
                .endpoint(Fixtures.ep("10.180.0.2", "b").withZone("zone-b", new EndpointHints(List.of("zone-b"), List.of())))
                .build();
        var state = new ProxyState(List.of(Fixtures.clusterIP("ns", "svc", "172.30.0.1")), List.of(slice));
        var inZoneA = new PacketTracer(RuleGenerator.generate(state, Fixtures.node().zone("zone-a").build()).restoreInput(),
                List.of(Fixtures.NODE_IP));
        assertEquals("10.180.0.1:80", inZoneA.trace(Packet.tcp(Fixtures.POD, "172.30.0.1", 80)).output());
        var unhinted = new PacketTracer(RuleGenerator.generate(state, Fixtures.node().zone("zone-c").build()).restoreInput(),
                List.of(Fixtures.NODE_IP));
        assertEquals("10.180.0.1:80, 10.180.0.2:80", unhinted.trace(Packet.tcp(Fixtures.POD, "172.30.0.1", 80)).output());
    }

    @Test
    void nodeHintsWinOverZoneHints() {
        var hints = new EndpointHints(List.of("zone-a"), List.of(Fixtures.NODE));
        var other = new EndpointHints(List.of("zone-a"), List.of("node2"));
        var slice = EndpointSlice.builder("ns", "svc", "s").port("p80", TCP, 80)
                .endpoint(Fixtures.ep("10.180.0.1", Fixtures.NODE).withZone("zone-a", hints))
                .endpoint(Fixtures.ep("10.180.0.2", "node2").withZone("zone-a", other)).build();
        var state = new ProxyState(List.of(Fixtures.clusterIP("ns", "svc", "172.30.0.1")), List.of(slice));
        var tracer = new PacketTracer(RuleGenerator.generate(state, Fixtures.node().zone("zone-a").build()).restoreInput(),
                List.of(Fixtures.NODE_IP));
        assertEquals("10.180.0.1:80", tracer.trace(Packet.tcp(Fixtures.POD, "172.30.0.1", 80)).output());
    }

    @Test
    void duplicateEndpointsAcrossSlicesBecomeOne() {
        var a = EndpointSlice.builder("ns", "svc", "a").port("p80", TCP, 80).endpoint("10.180.0.1", "node2").build();
        var b = EndpointSlice.builder("ns", "svc", "b").port("p80", TCP, 80).endpoint("10.180.0.1", Fixtures.NODE).build();
        var rules = RuleGenerator.generate(new ProxyState(List.of(Fixtures.clusterIP("ns", "svc", "172.30.0.1")),
                List.of(a, b)), Fixtures.node().build());
        assertEquals(1, rules.endpoints());
    }

    @Test
    void slicesOfOtherFamiliesOrWithoutServiceLabelAreIgnored() {
        var v6 = EndpointSlice.builder("ns", "svc", "v6").addressType(dev.berth.proxy.model.AddressType.IPV6)
                .port("p80", TCP, 80).endpoint("fd00::1", "n").build();
        var unlabelled = new EndpointSlice(NamespacedName.of("ns", "x"), null, java.util.Map.of(),
                dev.berth.proxy.model.AddressType.IPV4, List.of(Fixtures.ep("10.180.0.9", "n")),
                List.of(dev.berth.proxy.model.EndpointPort.of("p80", TCP, 80)));
        var rules = RuleGenerator.generate(new ProxyState(List.of(Fixtures.clusterIP("ns", "svc", "172.30.0.1")),
                List.of(v6, unlabelled)), Fixtures.node().build());
        assertEquals(0, rules.endpoints());
        assertTrue(rules.restoreInput().contains("\"ns/svc:p80 has no endpoints\""));
    }

    @Test
    void masqueradeBitSetsTheMark() {
        var text = RuleGenerator.generate(ProxyState.EMPTY, Fixtures.node().masqueradeBit(0).build()).restoreInput();
        assertTrue(text.contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00000001\n"), text);
        assertThrows(IllegalArgumentException.class, () -> Fixtures.node().masqueradeBit(32).build());
    }

    @Test
    void emptyStateIsConsistentAndDeclaresOnlyFixedChains() {
        var rules = RuleGenerator.generate(ProxyState.EMPTY, Fixtures.node().build());
        assertTrue(IptablesDump.parse(rules.restoreInput()).inconsistencies().isEmpty());
        assertTrue(rules.activeNatChains().isEmpty());
        assertTrue(rules.restoreInput().contains(":KUBE-PROXY-CANARY - [0:0]"));
        assertTrue(rules.restoreInput().lines().noneMatch(l -> l.startsWith("-F") || l.startsWith("-X")),
                "never flushes or deletes");
    }

    @Test
    void jumpRulesRenderAsKubeProxyInstallsThem() {
        assertEquals("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\""
                + " -j KUBE-EXTERNAL-SERVICES", JumpRules.PROXY.getFirst().restoreLine());
        assertEquals("-A INPUT -j KUBE-FIREWALL", JumpRules.KUBELET.getFirst().restoreLine());
    }

    @Test
    void clusterCidrOfTheOtherFamilyIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.builder("n").clusterCIDR("fd00::/64").build());
        assertTrue(e.getMessage().contains("fd00::/64"));
    }
}
