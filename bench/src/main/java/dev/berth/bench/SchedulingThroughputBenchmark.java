package dev.berth.bench;

import dev.berth.scheduler.config.ConfigLoader;
import dev.berth.scheduler.config.SchedulerConfiguration;
import dev.berth.scheduler.core.Outcome;
import dev.berth.scheduler.core.Scheduler;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scheduling throughput in memory: pods per second through the whole cycle (queue pop, PreFilter,
 * parallel Filter, PreScore, Score + normalize, select, assume, reserve, permit, bind) with the default
 * plugin set and profile, on synthetic clusters of 500, 1,000 and 5,000 nodes, with the adaptive
 * {@code percentageOfNodesToScore} and with 100% (every node filtered and scored).
 *
 * <p>Each invocation schedules a batch of {@value #BATCH} pods (a quarter each plain, tolerating,
 * node-affinity and nodeSelector) onto the cluster, then removes them untimed, so every batch meets
 * the same cluster.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 6, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SchedulingThroughputBenchmark {
    static final int BATCH = 1000;

    @Param({"500", "1000", "5000"})
    public int nodes;

    /** 0: kube-scheduler's adaptive default; 100: every node is filtered and scored (the linear-cost check). */
    @Param({"0", "100"})
    public int percentageOfNodesToScore;

    private Scheduler scheduler;
    private List<Pod> batch;
    private int round;
    private int scheduled;

    @Setup(Level.Trial)
    public void cluster() {
        PluginRegistry registry = PluginRegistry.load(List.of());
        SchedulerConfiguration config = ConfigLoader.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                percentageOfNodesToScore: %d
                """.formatted(percentageOfNodesToScore), registry);
        scheduler = Scheduler.builder(config, registry::factory).bindInline().seed(7).outcomes(o -> {
            if (o instanceof Outcome.Scheduled) {
                scheduled++;
            }
        }).build();
        for (Node n : ClusterGenerator.nodes(nodes)) {
            scheduler.onNodeAdd(n);
        }
    }

    @Setup(Level.Invocation)
    public void enqueue() {
        batch = ClusterGenerator.pods("r" + round++, BATCH, Pod.DEFAULT_SCHEDULER, round);
        for (Pod p : batch) {
            scheduler.onPodAdd(p);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int scheduleBatch() {
        return scheduler.drain().size();
    }

    @TearDown(Level.Invocation)
    public void removeBatch() {
        for (Pod p : batch) {
            scheduler.onPodDelete(p);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (scheduled == 0) {
            throw new IllegalStateException("the benchmark scheduled no pod: the fixture is broken");
        }
        scheduler.close();
    }
}
