package dev.berth.proxy.rules;

import static dev.berth.proxy.model.Protocol.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.model.SessionAffinity;
import dev.berth.proxy.model.TrafficPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Compares the full generated text with files under {@code src/test/resources/golden/}. After an intended change,
 * regenerate them with {@code mvn -pl proxy test -Dtest=GoldenTest -Dberth.golden.update=true} and review the diff.
 */
class GoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("berth.golden.update");

    /** The inputs of kube-proxy's TestOverallIPTablesRules, so the two outputs can be set side by side. */
    static ProxyState kubeProxyOverall() {
        return new ProxyState(List.of(
                Fixtures.clusterIP("ns1", "svc1", "172.30.0.41"),
                Service.builder("ns2", "svc2").type(ServiceType.LOAD_BALANCER).clusterIPs("172.30.0.42")
                        .externalTrafficPolicy(TrafficPolicy.LOCAL).port("p80", TCP, 80, 3001)
                        .loadBalancerIPs("1.2.3.4").externalIPs("192.168.99.22").healthCheckNodePort(30000).build(),
                Service.builder("ns3", "svc3").type(ServiceType.NODE_PORT).clusterIPs("172.30.0.43")
                        .port("p80", TCP, 80, 3003).build(),
                Service.builder("ns4", "svc4").type(ServiceType.NODE_PORT).clusterIPs("172.30.0.44")
                        .externalIPs("192.168.99.33").port("p80", TCP, 80).build(),
                Service.builder("ns5", "svc5").type(ServiceType.LOAD_BALANCER).clusterIPs("172.30.0.45")
                        .port("p80", TCP, 80, 3002).loadBalancerIPs("5.6.7.8").healthCheckNodePort(30000)
                        .loadBalancerSourceRanges(" 203.0.113.0/25").sessionAffinity(SessionAffinity.clientIP(10800))
                        .build(),
                Fixtures.clusterIP("ns6", "svc6", "172.30.0.46")),
                List.of(Fixtures.slice("ns1", "svc1", Fixtures.ep("10.180.0.1", "")),
                        Fixtures.slice("ns2", "svc2", Fixtures.ep("10.180.0.2", "")),
                        Fixtures.slice("ns3", "svc3", Fixtures.ep("10.180.0.3", "")),
                        Fixtures.slice("ns4", "svc4", Fixtures.ep("10.180.0.4", ""), Fixtures.ep("10.180.0.5", Fixtures.NODE)),
                        Fixtures.slice("ns5", "svc5", Fixtures.ep("10.180.0.3", ""))));
    }

    @Test
    void kubeProxyOverallScenario() {
        check("kube-proxy-overall.txt", RuleGenerator.generate(kubeProxyOverall(), Fixtures.node().build()));
    }

    @Test
    void everyKindOfService() {
        check("cluster.txt", RuleGenerator.generate(Fixtures.cluster(), Fixtures.node().randomFully(true).build()));
    }

    @Test
    void partialGenerationWritesOnlyChangedServicesChains() {
        var changed = Set.of(NamespacedName.of("ns4", "svc4"));
        check("cluster-partial-ns4.txt", RuleGenerator.generate(Fixtures.cluster(), Fixtures.node().build(), changed));
    }

    @Test
    void ipv6Family() {
        var state = new ProxyState(List.of(
                Service.builder("ns1", "dual").type(ServiceType.LOAD_BALANCER)
                        .clusterIPs("172.30.0.41", "fd00:10:96::0041").port("p80", TCP, 80, 3001)
                        .externalIPs("192.168.99.1", "2001:db8::99:1").loadBalancerIPs("1.2.3.4", "2001:db8:0:0:0:0:0:1234")
                        .loadBalancerSourceRanges("203.0.113.0/24", "2001:db8:ffff::/48").build(),
                Service.builder("ns1", "v4only").clusterIPs("172.30.0.42").port("p80", TCP, 80).build()),
                List.of(EndpointSlice.builder("ns1", "dual", "dual-v4").port("p80", TCP, 8080)
                                .endpoint("10.180.0.1", Fixtures.NODE).build(),
                        EndpointSlice.builder("ns1", "dual", "dual-v6")
                                .addressType(dev.berth.proxy.model.AddressType.IPV6).port("p80", TCP, 8080)
                                .endpoint("fd00:10:180::1", Fixtures.NODE).endpoint("fd00:10:180::2", "node2").build()));
        var config = NodeConfig.builder(Fixtures.NODE).ipFamily(IpFamily.IPV6).nodeIPs("2001:db8::2")
                .clusterCIDR("fd00:10::/32").build();
        check("ipv6.txt", RuleGenerator.generate(state, config));
    }

    static void check(String file, RuleSet rules) {
        var path = GOLDEN.resolve(file);
        try {
            if (UPDATE) {
                Files.createDirectories(GOLDEN);
                Files.writeString(path, rules.restoreInput(), StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(path)) {
                fail("no golden file " + path + "; create it with -Dberth.golden.update=true");
            }
            assertEquals(Files.readString(path, StandardCharsets.UTF_8), rules.restoreInput(),
                    "generated rules differ from " + path + " (regenerate with -Dberth.golden.update=true if intended)");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("golden file " + path, e);
        }
    }
}
