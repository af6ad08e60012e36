package dev.berth.proxy.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/** A network namespace made for one test and deleted on close; iptables commands run only inside it. */
public final class TestNamespace implements AutoCloseable {
    public final String name;
    public final Iptables iptables;

    private TestNamespace(String name) {
        this.name = name;
        this.iptables = Iptables.inNamespace(name);
    }

    public static TestNamespace create() throws IOException, InterruptedException {
        var name = "berth-proxy-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        run(List.of("ip", "netns", "add", name));
        return new TestNamespace(name);
    }

    /** Runs a command inside the namespace and fails the test if it fails. */
    public String exec(String... command) throws IOException, InterruptedException {
        var full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full);
    }

    /** {@code iptables-save} of the namespace, without the timestamp comments and with counters zeroed. */
    public String save() throws IOException, InterruptedException {
        return exec("iptables-save").lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.replaceAll("\\[\\d+:\\d+]", "[0:0]"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** {@code iptables-save -t TABLE}, normalised as {@link #save()}. */
    public String save(String table) throws IOException, InterruptedException {
        return exec("iptables-save", "-t", table).lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.replaceAll("\\[\\d+:\\d+]", "[0:0]"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        var p = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("ip", "netns", "del", name));
    }
}
