package dev.berth.bench.nativecalls;

import dev.berth.linux.Syscalls;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The native layer's real calls through each candidate technology, behind the same {@link Syscalls}
 * interface: an rtnetlink round trip (RTM_GETLINK of lo, answered by the kernel) and setns(2) into the
 * thread's own network namespace (a real namespace switch that changes nothing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class NativeCallBenchmark {
    @Param({"ffm", "jna", "jnr"})
    public String technology;

    private Syscalls sys;
    private int netlink;
    private int ownNetns;
    private int seq;
    private final byte[] buffer = new byte[8192];

    @Setup
    public void open() {
        sys = Calls.of(technology);
        netlink = Calls.openRtnetlink(sys);
        ownNetns = sys.open("/proc/self/ns/net", Syscalls.O_RDONLY | Syscalls.O_CLOEXEC, 0);
    }

    @Benchmark
    public int netlinkRoundTrip() {
        return Calls.roundTrip(sys, netlink, Calls.getLinkRequest(++seq), buffer);
    }

    @Benchmark
    public void setnsOwnNamespace() {
        sys.setns(ownNetns, Syscalls.CLONE_NEWNET);
    }

    @TearDown
    public void close() {
        sys.close(netlink);
        sys.close(ownNetns);
    }
}
