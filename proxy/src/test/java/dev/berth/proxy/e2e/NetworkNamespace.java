package dev.berth.proxy.e2e;

import dev.berth.linux.NetNs;
import dev.berth.linux.Sysctl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A network namespace the test made ({@code ip netns add}); commands and Java sockets can be run inside it, and
 * {@link #close()} deletes it with everything in it (links, addresses, routes, rules, sysctls).
 */
final class NetworkNamespace implements AutoCloseable {
    final String name;
    private final NetNs netns;

    private NetworkNamespace(String name, NetNs netns) {
        this.name = name;
        this.netns = netns;
    }

    /** Adds the namespace and brings its loopback up (a new namespace starts with {@code lo} down). */
    static NetworkNamespace add(String name) throws IOException, InterruptedException {
        run(List.of("ip", "netns", "add", name));
        NetNs handle;
        try {
            handle = NetNs.named(name);
            run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            run(List.of("ip", "netns", "del", name));
            throw e;
        }
        return new NetworkNamespace(name, handle);
    }

    /** {@code ip -n NAME ARGS...}. */
    String ip(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a command inside the namespace; fails with its output if it exits non-zero. */
    String exec(String... command) throws IOException, InterruptedException {
        var full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full);
    }

    /** Sets a per-namespace kernel parameter inside the namespace; the host's stay as they are. */
    void sysctl(String key, String value) {
        Sysctl.write(netns, key, value);
        var now = Sysctl.read(netns, key);
        if (!now.equals(value)) {
            throw new IllegalStateException("sysctl " + key + " in " + name + " reads " + now + " after writing " + value);
        }
    }

    /**
     * Runs {@code work} on a fresh thread inside the namespace. Sockets it opens stay in the namespace; it must not
     * start threads (they would inherit the namespace).
     */
    <T> T call(Callable<T> work) throws Exception {
        return netns.call(work);
    }

    /** {@code iptables-save} without comments and with counters zeroed, for comparing two states of the tables. */
    String iptablesSave() throws IOException, InterruptedException {
        return normalise(exec("iptables-save"));
    }

    static String normalise(String iptablesSave) {
        return iptablesSave.lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.replaceAll("\\[\\d+:\\d+]", "[0:0]"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        var p = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": still running after 60s: " + out);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        netns.close();
        run(List.of("ip", "netns", "del", name));
    }

    @Override
    public String toString() {
        return name;
    }
}
