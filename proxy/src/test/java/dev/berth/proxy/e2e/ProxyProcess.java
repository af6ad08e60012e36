package dev.berth.proxy.e2e;

import dev.berth.kube.testing.ControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A berth-proxy process running inside the node namespace ({@code ip netns exec NODE ...}, which execs, so the
 * process is the JVM itself), its output in a log file that {@link #close()} deletes after stopping it.
 */
final class ProxyProcess implements AutoCloseable {
    static final Path LAUNCHER = ControlPlane.repositoryRoot().resolve("bin/berth-proxy");

    private final Process process;
    private final Path log;
    /** Kills the process if the test JVM ends without closing it (e.g. failsafe's timeout). */
    private final Thread killer;

    private ProxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.killer = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Runs {@code bin/berth-proxy ARGS...} in {@code node}. */
    static ProxyProcess launcher(NetworkNamespace node, List<String> args) throws IOException {
        var command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(args);
        return start(node, command);
    }

    /** Runs {@code command} in {@code node}. */
    static ProxyProcess start(NetworkNamespace node, List<String> command) throws IOException {
        var log = Files.createTempFile("berth-e2e-proxy-", ".log");
        var full = new ArrayList<>(List.of("ip", "netns", "exec", node.name));
        full.addAll(command);
        try {
            var process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ProxyProcess(process, log);
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw e;
        }
    }

    /** Runs {@code bin/berth-proxy ARGS...} in {@code node} to completion; returns its exit code and output. */
    static Result runLauncher(NetworkNamespace node, String... args) throws Exception {
        var command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        try (var p = start(node, command)) {
            if (!p.process.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("berth-proxy " + String.join(" ", args) + " still running after 120s:\n"
                        + p.log());
            }
            return new Result(p.process.exitValue(), p.log());
        }
    }

    /** A finished run. */
    record Result(int exitCode, String output) {}

    boolean isAlive() {
        return process.isAlive();
    }

    /** The output so far, for failure messages. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The last lines of the output, for failure messages. */
    String logTail() {
        var lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** SIGTERM, as a DaemonSet pod gets; SIGKILL if it is still there after 20 seconds. */
    void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stop();
        } finally {
            Files.deleteIfExists(log);
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: nothing left to undo.
            }
        }
    }
}
