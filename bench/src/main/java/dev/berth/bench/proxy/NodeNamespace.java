package dev.berth.bench.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A "node" for one proxy: a network namespace the harness makes (only {@code lo}, up) and deletes on close, in
 * which the API server is reachable at the same {@code 127.0.0.1:PORT} as on the host, through a Unix socket:
 * a host-side socat accepts on the socket and connects to the real server, and a socat inside the namespace
 * listens on its own loopback and connects to the socket. No host address or route is involved.
 */
final class NodeNamespace implements AutoCloseable {
    /** A command's exit status and output. */
    record Result(int exit, String out, long nanos) {}

    final String name;
    private final Path socket;
    private final Path pidFile;
    private final List<Process> processes = new ArrayList<>();

    private NodeNamespace(String name, Path socket, Path pidFile) {
        this.name = name;
        this.socket = socket;
        this.pidFile = pidFile;
    }

    /**
     * Creates the namespace and the forward of {@code 127.0.0.1:apiPort}. Pids of host-side helpers go to
     * {@code pidFile}, so the launcher script can end them should this JVM die without cleaning up.
     */
    static NodeNamespace create(String name, Path runDir, int apiPort, Path pidFile) throws IOException, InterruptedException {
        run(List.of("ip", "netns", "add", name));
        var ns = new NodeNamespace(name, runDir.resolve(name + ".sock"), pidFile);
        try {
            ns.check("ip", "link", "set", "lo", "up");
            ns.startHost(List.of("socat", "UNIX-LISTEN:" + ns.socket + ",fork,unlink-early",
                    "TCP:127.0.0.1:" + apiPort), runDir.resolve(name + "-socat-host.log"));
            ns.start(List.of("socat", "TCP-LISTEN:" + apiPort + ",bind=127.0.0.1,fork,reuseaddr",
                    "UNIX-CONNECT:" + ns.socket), runDir.resolve(name + "-socat-ns.log"), Map.of());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(Files.exists(ns.socket) && ns.exec("ss", "-Hltn", "sport = :" + apiPort).out().contains(":" + apiPort))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(name + ": the API server forward on 127.0.0.1:" + apiPort + " did not come up");
                }
                Thread.sleep(20);
            }
            return ns;
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** Starts a long-running command inside the namespace ({@code ip netns exec} execs it: same pid). */
    Process start(List<String> command, Path log, Map<String, String> env) throws IOException {
        var full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        var pb = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void startHost(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        Files.writeString(pidFile, p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Runs a short command in the namespace ({@code nsenter --net}: no mount namespace set-up, cheaper to poll). */
    Result exec(String... command) throws IOException, InterruptedException {
        var full = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + name));
        full.addAll(List.of(command));
        long t = System.nanoTime();
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return new Result(exit, out, System.nanoTime() - t);
    }

    /** Like {@link #exec} but failing on a non-zero exit. */
    String check(String... command) throws IOException, InterruptedException {
        Result r = exec(command);
        if (r.exit() != 0) {
            throw new IOException(name + ": " + String.join(" ", command) + ": exit " + r.exit() + ": " + r.out());
        }
        return r.out();
    }

    /** {@code iptables-save -t TABLE} of the namespace. */
    String save(String table) throws IOException, InterruptedException {
        return check("iptables-save", "-t", table);
    }

    /** Ends every process started here (and their children), removes the socket and deletes the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes.reversed()) {
            stop(p);
        }
        // Anything still inside the namespace was started through it (socat's per-connection children).
        for (String pid : run(List.of("ip", "netns", "pids", name)).split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Files.deleteIfExists(socket);
        run(List.of("ip", "netns", "del", name));
    }

    static void stop(Process p) throws InterruptedException {
        var children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
