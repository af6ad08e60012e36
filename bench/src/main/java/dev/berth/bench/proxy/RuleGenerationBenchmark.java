package dev.berth.bench.proxy;

import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Protocol;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import dev.berth.proxy.rules.RuleCache;
import dev.berth.proxy.rules.RuleGenerator;
import dev.berth.proxy.rules.RuleSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * berth-proxy's rule generation in memory (issue 5): the time from a {@link ProxyState} of {@code services}
 * Services × {@code endpoints} ready endpoints to the {@code iptables-restore} text, for a full sync and for a
 * partial sync that rewrites one changed Service's chains (plus the dispatch chains and the filter table,
 * which a partial sync always writes whole). No kernel is involved.
 *
 * <p>The partial generation is measured both without a {@link RuleCache} (every unchanged Service recomputed to
 * count its rules and name its chains) and with one, as a sync loop holds it: there each invocation changes one
 * endpoint of the same Service, alternating between two states, so the cache always has the previous state's
 * entries, as after the previous sync.
 *
 * <p>The cluster is the side-by-side harness's: one TCP port per Service, every tenth Service a NodePort,
 * endpoints spread over 100 other nodes, {@code --cluster-cidr} set, so every Service gets its masquerade rule
 * and each endpoint its KUBE-SEP chain.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RuleGenerationBenchmark {
    @Param({"10000"})
    public int services;

    @Param({"10"})
    public int endpoints;

    private ProxyState state;
    /** {@link #state} with one endpoint of the changed Service moved to another address. */
    private ProxyState changedState;
    private NodeConfig config;
    private Set<NamespacedName> oneChanged;
    private RuleCache cache;
    private boolean flip;

    @Setup(Level.Trial)
    public void cluster() {
        var svcs = new ArrayList<Service>(services);
        var slices = new ArrayList<EndpointSlice>(services);
        for (int i = 0; i < services; i++) {
            var name = "svc-" + i;
            var b = Service.builder("bench", name).clusterIPs(ip(96, i));
            if (i % 10 == 0) {
                b.type(ServiceType.NODE_PORT).port("http", Protocol.TCP, 80, 30000 + i % 2768);
            } else {
                b.port("http", Protocol.TCP, 80);
            }
            svcs.add(b.build());
            var slice = EndpointSlice.builder("bench", name, name + "-1").port("http", Protocol.TCP, 8080);
            for (int j = 0; j < endpoints; j++) {
                int k = i * endpoints + j;
                slice.endpoint(ip(128 + k / 65536, k % 65536), "worker-" + k % 100);
            }
            slices.add(slice.build());
        }
        state = new ProxyState(svcs, slices);
        config = NodeConfig.builder("node-0").nodeIPs("10.250.0.1").clusterCIDR("10.0.0.0/8").build();
        int changed = services / 2;
        oneChanged = Set.of(NamespacedName.of("bench", "svc-" + changed));
        var moved = new ArrayList<>(slices);
        var slice = EndpointSlice.builder("bench", "svc-" + changed, "svc-" + changed + "-1")
                .port("http", Protocol.TCP, 8080);
        for (int j = 0; j < endpoints; j++) {
            int k = changed * endpoints + j;
            slice.endpoint(j == 0 ? ip(127, k % 65536) : ip(128 + k / 65536, k % 65536), "worker-" + k % 100);
        }
        moved.set(changed, slice.build());
        changedState = new ProxyState(svcs, moved);
    }

    /** A cache as a sync loop has it after its first (full) sync. */
    @Setup(Level.Iteration)
    public void primeCache() {
        cache = new RuleCache();
        RuleGenerator.generate(state, config, null, cache);
        flip = false;
    }

    /** {@code 10.<second>.<index / 256>.<index % 256>}. */
    static String ip(int second, int index) {
        return "10." + second + "." + (index >> 8 & 0xff) + "." + (index & 0xff);
    }

    @Benchmark
    public RuleSet full() {
        return RuleGenerator.generate(state, config);
    }

    @Benchmark
    public RuleSet fullWithCache() {
        return RuleGenerator.generate(state, config, null, cache);
    }

    @Benchmark
    public RuleSet partialOneService() {
        return RuleGenerator.generate(state, config, oneChanged);
    }

    /** One endpoint of one Service changed since the previous generation, whose results the cache holds. */
    @Benchmark
    public RuleSet partialOneServiceWithCache() {
        flip = !flip;
        return RuleGenerator.generate(flip ? changedState : state, config, oneChanged, cache);
    }

    /** Rule counts of the generated cluster, for the results page; a third argument writes the full restore text there. */
    public static void main(String[] args) throws java.io.IOException {
        var b = new RuleGenerationBenchmark();
        b.services = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        b.endpoints = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        b.cluster();
        b.primeCache();
        for (var r : List.of(b.full(), b.partialOneService(), b.partialOneServiceWithCache())) {
            System.out.printf("natRules=%,d natChains=%,d filterRules=%,d bytes=%,d%n", r.natRules(), r.natChains(),
                    r.filterRules(), r.restoreInput().length());
        }
        if (args.length > 2) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(args[2]), b.full().restoreInput());
        }
    }
}
