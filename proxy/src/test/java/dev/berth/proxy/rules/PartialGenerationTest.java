package dev.berth.proxy.rules;

import static dev.berth.proxy.model.Protocol.TCP;
import static dev.berth.proxy.model.Protocol.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.model.Endpoint;
import dev.berth.proxy.model.EndpointConditions;
import dev.berth.proxy.model.EndpointHints;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.model.SessionAffinity;
import dev.berth.proxy.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A partial generation through a {@link RuleCache} must give what a full generation of the same state implies:
 * the same filter table, dispatch chains, counts and active chains, and the full nat text without the unchanged
 * Services' own chains. Randomised clusters, changed over several rounds with one cache, including change sets that
 * name too much, too little, or deleted Services, equal-but-new objects, and a configuration change.
 */
class PartialGenerationTest {
    private static final String[] PORT_NAMES = {"http", "https", "dns"};
    private static final String[] NODES = {Fixtures.NODE, "node2", "node3"};

    static Stream<Long> seeds() {
        return java.util.stream.LongStream.range(1, 25).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void partialThroughCacheEqualsWhatTheFullGenerationImplies(long seed) {
        var r = new Random(seed);
        var cluster = new Cluster(r, seed % 3 == 0 ? 150 : 30, seed % 3 == 0 ? 40 : 8);
        var config = config(r.nextInt(4));
        var cache = new RuleCache();

        var first = RuleGenerator.generate(cluster.state(), config, null, cache);
        assertEquals(RuleGenerator.generate(cluster.state(), config), first, "full generation through a cache");
        if (seed % 3 == 0) {
            assertTrue(first.endpoints() > RuleGenerator.LARGE_CLUSTER_ENDPOINTS_THRESHOLD, "large-cluster mode is covered");
        }

        for (int round = 0; round < 6; round++) {
            var mutated = cluster.mutate(1 + r.nextInt(4));
            var changed = new HashSet<>(mutated);
            for (int i = r.nextInt(3); i > 0; i--) {
                changed.add(cluster.anyName());  // names too much: still only that Service is rewritten
            }
            if (round == 3 && !mutated.isEmpty()) {
                changed.remove(mutated.iterator().next());  // a change the caller missed
            }
            if (round == 5) {
                config = config((int) (seed % 4) + 1);  // the cache was made for another configuration
            }
            var state = cluster.state();
            if (round == 4) {
                var full = RuleGenerator.generate(state, config, null, cache);
                assertEquals(RuleGenerator.generate(state, config), full, "round " + round + ": full through cache");
                continue;
            }
            var partial = RuleGenerator.generate(state, config, changed, cache);
            var context = "seed " + seed + " round " + round + " changed " + changed;
            assertEquals(RuleGenerator.generate(state, config, changed), partial, context + ": same without a cache");
            assertImpliedByFull(state, config, changed, partial, context);
            assertEquals(state.services().stream().filter(s -> s.skipReason() == null).count(), cache.size(), context);
        }
    }

    @Test
    void unchangedStateReusesEveryEntry() {
        var cluster = new Cluster(new Random(7), 20, 5);
        var config = config(0);
        var cache = new RuleCache();
        var full = RuleGenerator.generate(cluster.state(), config, null, cache);
        var partial = RuleGenerator.generate(cluster.state(), config, Set.of(), cache);
        assertEquals(full.natRulesTotal(), partial.natRulesTotal());
        assertEquals(full.activeNatChains(), partial.activeNatChains());
        assertTrue(partial.restoreInput().lines().noneMatch(l -> l.startsWith(":KUBE-SEP-")),
                "no per-service chain is written when nothing changed");
    }

    @Test
    void crossingTheLargeClusterThresholdKeepsTheCacheValid() {
        var config = config(0);
        var cache = new RuleCache();
        var services = new ArrayList<Service>();
        var slices = new ArrayList<EndpointSlice>();
        for (int i = 0; i < 100; i++) {
            services.add(Fixtures.clusterIP("ns", "svc" + i, "172.30.1." + (i + 1)));
            slices.add(endpoints(i, 10));
        }
        var small = new ProxyState(services, slices);
        RuleGenerator.generate(small, config, null, cache);
        slices.set(7, endpoints(7, 11));
        var large = new ProxyState(services, slices);
        var changed = Set.of(NamespacedName.of("ns", "svc7"));
        for (var state : List.of(large, small, large)) {
            var partial = RuleGenerator.generate(state, config, changed, cache);
            assertEquals(RuleGenerator.generate(state, config, changed), partial);
            assertImpliedByFull(state, config, changed, partial, "endpoints " + partial.endpoints());
        }
    }

    private static EndpointSlice endpoints(int service, int count) {
        var b = EndpointSlice.builder("ns", "svc" + service, "svc" + service + "-a").port("p80", TCP, 8080);
        for (int i = 0; i < count; i++) {
            b.endpoint("10.180." + service + "." + (i + 1), "node2");
        }
        return b.build();
    }

    @Test
    void equalObjectsFromARelistAreAdoptedByTheCache() {
        var config = config(0);
        var cache = new RuleCache();
        var state = Fixtures.cluster();
        var full = RuleGenerator.generate(state, config, null, cache);
        var relisted = new ProxyState(state.services().stream().map(s -> s.toBuilder().build()).toList(),
                state.endpointSlices().stream().map(s -> new EndpointSlice(s.name(), s.service(), s.labels(),
                        s.addressType(), s.endpoints(), s.ports())).toList());
        var partial = RuleGenerator.generate(relisted, config, Set.of(), cache);
        assertEquals(full.activeNatChains(), partial.activeNatChains());
        assertEquals(full.natRulesTotal(), partial.natRulesTotal());
        for (var service : relisted.services()) {
            var entry = cache.services.get(service.name());
            assertTrue(entry == null || entry.service() == service, "entry rebound to the relisted " + service.name());
        }
        assertEquals(partial, RuleGenerator.generate(relisted, config, Set.of(), cache));
    }

    @Test
    void stateNamingAServiceTwiceIsGeneratedWithoutTheCache() {
        var config = config(0);
        var cache = new RuleCache();
        var state = Fixtures.cluster();
        RuleGenerator.generate(state, config, null, cache);
        var services = new ArrayList<>(state.services());
        services.add(Fixtures.clusterIP("ns1", "svc1", "172.30.0.99"));
        var twice = new ProxyState(services, state.endpointSlices());
        var changed = Set.of(NamespacedName.of("ns4", "svc4"));
        assertEquals(RuleGenerator.generate(twice, config, changed), RuleGenerator.generate(twice, config, changed, cache));
        assertEquals(0, cache.size());
        assertEquals(RuleGenerator.generate(state, config, changed), RuleGenerator.generate(state, config, changed, cache));
    }

    /** The partial text is the full text without the per-service chains of Services outside {@code changed}. */
    private static void assertImpliedByFull(ProxyState state, NodeConfig config,
                                            Set<NamespacedName> changed, RuleSet partial, String context) {
        var full = RuleGenerator.generate(state, config);
        var changedOnly = new ProxyState(
                state.services().stream().filter(s -> changed.contains(s.name())).toList(), state.endpointSlices());
        var keep = RuleGenerator.generate(changedOnly, config).activeNatChains();
        var expected = withoutServiceChainsExcept(full.restoreInput(), keep);
        assertEquals(expected, partial.restoreInput(), context + ": text");
        assertEquals(full.natRulesTotal(), partial.natRulesTotal(), context + ": natRulesTotal");
        assertEquals(full.activeNatChains(), partial.activeNatChains(), context + ": activeNatChains");
        assertEquals(full.filterRules(), partial.filterRules(), context);
        assertEquals(full.filterChains(), partial.filterChains(), context);
        assertEquals(full.servicePorts(), partial.servicePorts(), context);
        assertEquals(full.endpoints(), partial.endpoints(), context);
        assertEquals(full.noLocalInternal(), partial.noLocalInternal(), context);
        assertEquals(full.noLocalExternal(), partial.noLocalExternal(), context);
        var nat = expected.substring(expected.indexOf("*nat\n"));
        assertEquals(nat.lines().filter(l -> l.startsWith("-A ")).count(), partial.natRules(), context + ": natRules");
        assertEquals(nat.lines().filter(l -> l.startsWith(":")).count(), partial.natChains(), context + ": natChains");
    }

    static String withoutServiceChainsExcept(String restore, Set<String> keep) {
        var out = new StringBuilder();
        boolean nat = false;
        for (var line : restore.lines().toList()) {
            nat = line.startsWith("*") ? line.equals("*nat") : nat;
            String chain = null;
            if (line.startsWith(":")) {
                chain = line.substring(1, line.indexOf(' '));
            } else if (line.startsWith("-A ")) {
                chain = line.substring(3, line.indexOf(' ', 3));
            }
            if (nat && chain != null && ChainNames.isServiceChain(chain) && !keep.contains(chain)) {
                continue;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static NodeConfig config(int variant) {
        return switch (variant % 5) {
            case 0 -> Fixtures.node().build();
            case 1 -> Fixtures.node().masqueradeAll(true).build();
            case 2 -> Fixtures.node().localhostNodePorts(false).nodePortAddresses("192.168.0.2", "127.0.0.1").build();
            case 3 -> Fixtures.node().zone("zone-a").preferSameNodeHints(true).build();
            default -> NodeConfig.builder(Fixtures.NODE).nodeIPs(Fixtures.NODE_IP).build();
        };
    }

    /** A random cluster whose objects are replaced one by one, as informers replace them. */
    private static final class Cluster {
        private final Random r;
        private final int maxEndpoints;
        private final Map<NamespacedName, Service> services = new TreeMap<>();
        private final Map<NamespacedName, EndpointSlice> slices = new TreeMap<>();
        private final List<NamespacedName> names = new ArrayList<>();
        private int created;

        Cluster(Random r, int size, int maxEndpoints) {
            this.r = r;
            this.maxEndpoints = maxEndpoints;
            for (int i = 0; i < size; i++) {
                add();
            }
        }

        ProxyState state() {
            return new ProxyState(List.copyOf(services.values()), List.copyOf(slices.values()));
        }

        NamespacedName anyName() {
            return names.get(r.nextInt(names.size()));
        }

        /** Applies {@code n} random changes; returns the Services they touched. */
        Set<NamespacedName> mutate(int n) {
            var touched = new HashSet<NamespacedName>();
            for (int i = 0; i < n; i++) {
                var name = anyName();
                switch (r.nextInt(7)) {
                    case 0 -> touched.add(add());
                    case 1 -> {
                        services.remove(name);
                        touched.add(name);
                    }
                    case 2 -> {
                        slices.keySet().removeIf(s -> s.name().startsWith(name.name() + "-"));
                        touched.add(name);
                    }
                    case 3 -> {
                        // An equal copy, as a relist delivers: not a change, but a cache miss by identity.
                        var s = services.get(name);
                        if (s != null) {
                            services.put(name, s.toBuilder().build());
                        }
                    }
                    case 4 -> {
                        services.put(name, service(name, r.nextInt(1000)));
                        touched.add(name);
                    }
                    default -> {
                        var sliceName = NamespacedName.of(name.namespace(), name.name() + "-" + r.nextInt(2));
                        slices.put(sliceName, slice(name, sliceName.name()));
                        touched.add(name);
                    }
                }
            }
            return touched;
        }

        private NamespacedName add() {
            int index = created++;
            var name = NamespacedName.of("ns" + index % 3, "svc" + index);
            names.add(name);
            services.put(name, service(name, index));
            for (int i = r.nextInt(3) - 1; i >= 0; i--) {
                var sliceName = NamespacedName.of(name.namespace(), name.name() + "-" + i);
                slices.put(sliceName, slice(name, sliceName.name()));
            }
            return name;
        }

        private Service service(NamespacedName name, int index) {
            int kind = r.nextInt(10);
            var b = Service.builder(name.namespace(), name.name())
                    .clusterIPs(kind == 0 ? "None" : "172.30." + index / 250 + "." + (index % 250 + 1));
            var type = kind < 5 ? ServiceType.CLUSTER_IP : kind < 7 ? ServiceType.NODE_PORT : ServiceType.LOAD_BALANCER;
            b.type(type);
            int ports = 1 + r.nextInt(PORT_NAMES.length);
            for (int i = 0; i < ports; i++) {
                var protocol = r.nextInt(4) == 0 ? UDP : TCP;
                if (type == ServiceType.CLUSTER_IP) {
                    b.port(PORT_NAMES[i], protocol, 80 + i);
                } else {
                    b.port(PORT_NAMES[i], protocol, 80 + i, 30000 + (index * 3 + i) % 2000);
                }
            }
            if (r.nextInt(4) == 0) {
                b.externalIPs("192.168.99." + (index % 250 + 1));
            }
            if (type == ServiceType.LOAD_BALANCER) {
                b.loadBalancerIPs("5.6." + index / 250 + "." + (index % 250 + 1));
                switch (r.nextInt(3)) {
                    case 0 -> b.loadBalancerSourceRanges("203.0.113.0/25");
                    case 1 -> b.loadBalancerSourceRanges("203.0.113.0/25", "192.168.0.0/16");
                    default -> { }
                }
            }
            if (type != ServiceType.CLUSTER_IP && r.nextInt(3) == 0) {
                b.externalTrafficPolicy(TrafficPolicy.LOCAL);
                if (type == ServiceType.LOAD_BALANCER) {
                    b.healthCheckNodePort(32000 + index % 500);
                }
            }
            if (r.nextInt(5) == 0) {
                b.internalTrafficPolicy(TrafficPolicy.LOCAL);
            }
            if (r.nextInt(5) == 0) {
                b.sessionAffinity(SessionAffinity.clientIP(10800));
            }
            return b.build();
        }

        private EndpointSlice slice(NamespacedName service, String sliceName) {
            var b = EndpointSlice.builder(service.namespace(), service.name(), sliceName);
            for (var port : PORT_NAMES) {
                if (r.nextInt(3) != 0) {
                    b.port(port, r.nextInt(5) == 0 ? UDP : TCP, 8000 + r.nextInt(2));
                }
            }
            var conditions = List.of(EndpointConditions.UNSET, EndpointConditions.READY, EndpointConditions.READY,
                    EndpointConditions.SERVING_TERMINATING, EndpointConditions.NOT_READY);
            for (int i = r.nextInt(maxEndpoints + 1); i > 0; i--) {
                var ep = Endpoint.of("10.180." + r.nextInt(4) + "." + r.nextInt(250), NODES[r.nextInt(NODES.length)])
                        .withConditions(conditions.get(r.nextInt(conditions.size())));
                if (r.nextInt(4) == 0) {
                    ep = ep.withZone("zone-a", new EndpointHints(List.of(r.nextBoolean() ? "zone-a" : "zone-b"),
                            List.of(NODES[r.nextInt(NODES.length)])));
                }
                b.endpoint(ep);
            }
            return b.build();
        }
    }

    @Test
    void derivationDropsOnlyOtherServicesChains() {
        var text = "*filter\n:KUBE-SVC-A - [0:0]\n-A KUBE-SVC-A -j X\nCOMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n"
                + ":KUBE-SVC-A - [0:0]\n:KUBE-SVC-B - [0:0]\n-A KUBE-SERVICES -j KUBE-SVC-B\n-A KUBE-SVC-A -j X\n"
                + "-A KUBE-SVC-B -j Y\nCOMMIT\n";
        var kept = withoutServiceChainsExcept(text, Set.of("KUBE-SVC-B"));
        assertEquals("*filter\n:KUBE-SVC-A - [0:0]\n-A KUBE-SVC-A -j X\nCOMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n"
                + ":KUBE-SVC-B - [0:0]\n-A KUBE-SERVICES -j KUBE-SVC-B\n-A KUBE-SVC-B -j Y\nCOMMIT\n", kept);
    }
}
