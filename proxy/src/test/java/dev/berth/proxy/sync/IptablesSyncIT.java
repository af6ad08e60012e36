package dev.berth.proxy.sync;

import static dev.berth.proxy.model.Protocol.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.proxy.conntrack.Conntrack;
import dev.berth.proxy.health.MutableClock;
import dev.berth.proxy.health.ProxyHealth;
import dev.berth.proxy.health.ServiceHealthServers;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.model.TrafficPolicy;
import dev.berth.proxy.rules.ChainNames;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import dev.berth.proxy.watch.ClusterState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Syncs against the real iptables inside a network namespace made for each test: chains and jumps land, stale
 * chains go, the canary catches a flushed table, a failed restore changes nothing, {@code --cleanup} restores the
 * tables, and rules of other owners are never touched.
 */
class IptablesSyncIT {
    /** Another program's rules, present before the proxy starts, in each table the proxy writes to. */
    private static final String OTHER_OWNER = """
            *filter
            :OTHER-FW - [0:0]
            -A INPUT -s 198.51.100.0/24 -j OTHER-FW
            -A OTHER-FW -p tcp --dport 22 -j ACCEPT
            COMMIT
            *nat
            :OTHER-NAT - [0:0]
            -A POSTROUTING -o eth9 -j OTHER-NAT
            -A OTHER-NAT -j MASQUERADE
            COMMIT
            *mangle
            -A PREROUTING -p udp --dport 4789 -j MARK --set-xmark 0x100/0x100
            COMMIT
            """;

    private static final NodeConfig NODE = NodeConfig.builder("node1").nodeIPs("192.168.0.2")
            .clusterCIDR("10.0.0.0/8").localhostNodePorts(false).build();

    private TestNamespace ns;
    private IptablesSyncer syncer;

    @BeforeEach
    void setUp() throws Exception {
        ns = TestNamespace.create();
        var r = ns.iptables.restore(OTHER_OWNER);
        assertTrue(r.ok(), r.describe());
        syncer = new IptablesSyncer(ns.iptables, NODE);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    private static Service web() {
        return Service.builder("default", "web").clusterIPs("172.30.0.10").port("http", TCP, 80).build();
    }

    private static Service api() {
        return Service.builder("default", "api").type(ServiceType.NODE_PORT).clusterIPs("172.30.0.11")
                .port("https", TCP, 443, 30443).build();
    }

    private static EndpointSlice webSlice(String... ips) {
        var b = EndpointSlice.builder("default", "web", "web-1").port("http", TCP, 8080);
        for (var ip : ips) {
            b.endpoint(ip, "node2");
        }
        return b.build();
    }

    private static EndpointSlice apiSlice() {
        return EndpointSlice.builder("default", "api", "api-1").port("https", TCP, 8443).endpoint("10.1.0.9", "node1")
                .build();
    }

    private static String svcChain(String service, String port) {
        return ChainNames.SVC_PREFIX + ChainNames.portProtoHash("default/" + service + ":" + port, "tcp");
    }

    private static String sepChain(String service, String port, String endpoint) {
        return ChainNames.endpointChain("default/" + service + ":" + port, "tcp", endpoint);
    }

    private Set<String> natChains() throws Exception {
        return StaleChains.chainsIn(ns.save("nat"), "nat");
    }

    @Test
    void fullSyncWritesTheChainsRulesJumpsAndCanaries() throws Exception {
        var state = new ProxyState(List.of(web(), api()), List.of(webSlice("10.1.0.1", "10.1.0.2"), apiSlice()));
        var outcome = syncer.sync(state, new SyncKind.Full("test"), true);

        var nat = natChains();
        for (var chain : List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ",
                "KUBE-PROXY-CANARY", svcChain("web", "http"), svcChain("api", "https"),
                sepChain("web", "http", "10.1.0.1:8080"), sepChain("web", "http", "10.1.0.2:8080"),
                sepChain("api", "https", "10.1.0.9:8443"))) {
            assertTrue(nat.contains(chain), chain + " missing from nat: " + nat);
        }
        var save = ns.save();
        assertTrue(save.contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), save);
        assertTrue(save.contains("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"), save);
        assertTrue(save.contains("-A KUBE-SERVICES -d 172.30.0.10/32 -p tcp -m comment --comment \"default/web:http cluster IP\""), save);
        assertTrue(save.contains("-j DNAT --to-destination 10.1.0.2:8080"), save);
        assertEquals(List.of(), syncer.missingCanaries());
        // Every nat rule generated is in the kernel: count the rules of the proxy's own chains.
        long natRules = ns.save("nat").lines().filter(l -> l.startsWith("-A KUBE-")).count();
        assertEquals(outcome.rules().natRules(), natRules);
    }

    @Test
    void aFullSyncWrittenInBatchesLeavesTheSameTablesAsOneRestore() throws Exception {
        var state = new ProxyState(List.of(web(), api()), List.of(webSlice("10.1.0.1", "10.1.0.2", "10.1.0.3"),
                apiSlice()));
        var batched = new IptablesSyncer(ns.iptables, NODE, 2);
        assumeTrue(batched.detectBackend() == Backend.NFT, "batches are used with the nf_tables backend only");
        batched.sync(state, new SyncKind.Full("test"), true);
        var afterBatches = withoutCounters(ns.save());
        assertEquals(List.of(), batched.cleanup());
        syncer.sync(state, new SyncKind.Full("test"), true);
        assertEquals(withoutCounters(ns.save()), afterBatches);
        // A later full sync in batches over the existing chains changes nothing either.
        batched.sync(state, new SyncKind.Full("again"), true);
        assertEquals(withoutCounters(ns.save()), afterBatches);
    }

    private static String withoutCounters(String save) {
        return save.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "[0:0]"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void repeatedSyncsDoNotDuplicateJumps() throws Exception {
        var state = new ProxyState(List.of(web()), List.of(webSlice("10.1.0.1")));
        syncer.sync(state, new SyncKind.Full("test"), true);
        var first = ns.save();
        syncer.sync(state, new SyncKind.Full("again"), true);
        syncer.sync(state, new SyncKind.Partial(Set.of()), true);
        assertEquals(first, ns.save());
    }

    @Test
    void removingAServiceOrEndpointDeletesItsChains() throws Exception {
        syncer.sync(new ProxyState(List.of(web(), api()), List.of(webSlice("10.1.0.1", "10.1.0.2"), apiSlice())),
                new SyncKind.Full("test"), true);
        assertTrue(natChains().contains(svcChain("api", "https")));

        var partial = syncer.sync(new ProxyState(List.of(web()), List.of(webSlice("10.1.0.1", "10.1.0.2"))),
                new SyncKind.Partial(Set.of(NamespacedName.of("default", "api"))), false);
        var nat = natChains();
        assertFalse(nat.contains(svcChain("api", "https")), nat.toString());
        assertFalse(nat.contains(sepChain("api", "https", "10.1.0.9:8443")), nat.toString());
        assertTrue(nat.contains(svcChain("web", "http")), "an unchanged service keeps its chains");
        assertEquals(2, partial.deletedChains().stream().filter(c -> !c.startsWith("KUBE-EXT-")).count(),
                partial.deletedChains().toString());
        assertFalse(ns.save("nat").contains("172.30.0.11"), "the dispatch rule of the removed service is gone");

        syncer.sync(new ProxyState(List.of(web()), List.of(webSlice("10.1.0.2"))),
                new SyncKind.Partial(Set.of(NamespacedName.of("default", "web"))), false);
        nat = natChains();
        assertFalse(nat.contains(sepChain("web", "http", "10.1.0.1:8080")), nat.toString());
        assertTrue(nat.contains(sepChain("web", "http", "10.1.0.2:8080")), nat.toString());
    }

    @Test
    void cleanupLeavesTheTablesAsTheyWereBefore() throws Exception {
        // Make sure the tables exist as the proxy would leave them (nft creates them lazily), then snapshot.
        ns.exec("iptables", "-t", "mangle", "-S");
        var before = ns.save();
        syncer.sync(new ProxyState(List.of(web(), api()), List.of(webSlice("10.1.0.1"), apiSlice())),
                new SyncKind.Full("test"), true);
        var during = ns.save();
        assertNotEquals(before, during);
        // Other owners' rules are untouched by the sync: every line of the old dump is still there.
        for (var line : before.lines().toList()) {
            assertTrue(during.lines().anyMatch(line::equals), "lost during sync: " + line);
        }

        assertEquals(List.of(), syncer.cleanup());
        assertEquals(before, ns.save());
        assertEquals(List.of(), syncer.cleanup(), "a second cleanup finds nothing and fails on nothing");
        assertEquals(before, ns.save());
    }

    @Test
    void aFlushedTableIsCaughtByTheCanaryAndResynced() throws Exception {
        var state = new ClusterState(() -> {});
        state.putService(web());
        state.putEndpointSlice(webSlice("10.1.0.1"));
        long[] now = {1};
        var proxier = new Proxier(state, syncer, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1),
                () -> now[0]);
        proxier.syncOnce();
        assertFalse(proxier.checkCanaries());
        var synced = ns.save("nat");

        ns.exec("iptables", "-t", "nat", "-F");
        ns.exec("iptables", "-t", "nat", "-X");
        assertEquals(List.of("nat"), syncer.missingCanaries());
        assertTrue(proxier.checkCanaries());
        assertTrue(proxier.fullSyncPending());
        proxier.syncOnce();
        assertEquals(List.of(), syncer.missingCanaries());
        assertTrue(ns.save("nat").contains(svcChain("web", "http")));
        // The other owner's nat rules were flushed by the "admin" above, so compare only the proxy's lines.
        assertEquals(kubeLines(synced), kubeLines(ns.save("nat")));
    }

    @Test
    void aFailedRestoreChangesNothingAndTheNextSyncIsFull() throws Exception {
        var state = new ClusterState(() -> {});
        state.putService(web());
        state.putEndpointSlice(webSlice("10.1.0.1"));
        long[] now = {1};
        var proxier = new Proxier(state, syncer, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1),
                () -> now[0]);
        proxier.syncOnce();

        // Delete web's service chain behind the proxy's back: a partial sync about another service still
        // jumps to it, so its restore fails as a whole.
        var svc = svcChain("web", "http");
        ns.exec("iptables", "-t", "nat", "-F", "KUBE-SERVICES");
        ns.exec("iptables", "-t", "nat", "-F", svc);
        ns.exec("iptables", "-t", "nat", "-X", svc);
        var broken = ns.save("nat");
        state.putService(api());
        state.putEndpointSlice(apiSlice());
        now[0] += Duration.ofSeconds(2).toNanos();
        proxier.syncOnce();
        assertTrue(proxier.fullSyncPending(), "a failed sync makes the next one full");
        assertEquals(broken, ns.save("nat"), "the failed restore left the nat table as it was");
        assertThrows(SyncException.class, () -> syncer.sync(state.takeChanges().state(),
                new SyncKind.Partial(Set.of(NamespacedName.of("default", "api"))), false));

        now[0] += Duration.ofSeconds(2).toNanos();
        proxier.syncOnce();
        assertFalse(proxier.fullSyncPending());
        var nat = natChains();
        assertTrue(nat.contains(svc) && nat.contains(svcChain("api", "https")), nat.toString());
    }

    @Test
    void aSyncReportsToHealthMetricsAndHealthCheckServersAndAFailedOneIsRetriedAfterTheSyncPeriod() throws Exception {
        var state = new ClusterState(() -> {});
        var lb = Service.builder("default", "lb").type(ServiceType.LOAD_BALANCER).clusterIPs("172.30.0.12")
                .port("http", TCP, 80, 30080).externalTrafficPolicy(TrafficPolicy.LOCAL).healthCheckNodePort(0)
                .build();
        int hcPort;
        try (var probe = new java.net.ServerSocket(0)) {
            hcPort = probe.getLocalPort();
        }
        state.putService(lb.toBuilder().healthCheckNodePort(hcPort).build());
        state.putEndpointSlice(EndpointSlice.builder("default", "lb", "lb-1").port("http", TCP, 8080)
                .endpoint("10.1.0.20", "node1").endpoint("10.1.0.21", "node2").build());
        state.putService(web());
        state.putEndpointSlice(webSlice("10.1.0.1"));
        long[] now = {1};
        var clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
        var health = new ProxyHealth(Duration.ofSeconds(60), clock, IpFamily.IPV4);
        var metrics = new ProxyMetrics(IpFamily.IPV4);
        try (var hc = new ServiceHealthServers(List.of("127.0.0.1"), health::isHealthy)) {
            var proxier = new Proxier(state, syncer, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1),
                    () -> now[0]).observe(health, metrics, hc, new Conntrack(ns.iptables), clock);
            proxier.requestSync();
            assertEquals(Duration.ofHours(1).toNanos(), proxier.runner().runIfDue(),
                    "after a successful sync the next one is due after the full sync period");
            assertEquals(200, health.healthz().code());
            assertTrue(health.healthz().body().contains("\"status\":{\"IPv4\""), health.healthz().body());
            assertEquals(java.util.Map.of(NamespacedName.of("default", "lb"), hcPort), hc.ports());
            var scrape = metrics.scrape();
            assertTrue(scrape.contains("kubeproxy_sync_full_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1\n"),
                    scrape);
            assertTrue(scrape.contains("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family=\"IPv4\"}"),
                    scrape);
            assertTrue(scrape.lines().anyMatch(l -> l.startsWith(
                    "kubeproxy_sync_proxy_rules_iptables_total{ip_family=\"IPv4\",table=\"nat\"} ")), scrape);

            // Break the table behind the proxy's back so the next partial sync's restore fails.
            var svc = svcChain("web", "http");
            ns.exec("iptables", "-t", "nat", "-F", "KUBE-SERVICES");
            ns.exec("iptables", "-t", "nat", "-F", svc);
            ns.exec("iptables", "-t", "nat", "-X", svc);
            state.putService(api());
            proxier.requestSync();
            now[0] += Duration.ofSeconds(2).toNanos();
            assertEquals(Duration.ofSeconds(30).toNanos(), proxier.runner().runIfDue(),
                    "a failed sync is retried after the sync period");
            assertTrue(proxier.fullSyncPending());
            scrape = metrics.scrape();
            assertTrue(scrape.contains("kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv4\"} 1\n"),
                    scrape);
            assertTrue(scrape.contains(
                    "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total{ip_family=\"IPv4\"} 1\n"), scrape);
            assertTrue(scrape.contains("kubeproxy_sync_partial_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1\n"),
                    scrape);

            clock.advance(Duration.ofSeconds(61));
            assertEquals(503, health.healthz().code(), "the queued change waited past the health timeout");
            now[0] += Duration.ofSeconds(30).toNanos();
            proxier.runner().runIfDue();
            assertFalse(proxier.fullSyncPending());
            assertEquals(200, health.healthz().code(), "the full retry synced");
        }
    }

    private static List<String> kubeLines(String save) {
        return save.lines().filter(l -> l.contains("KUBE-")).toList();
    }
}
