package dev.berth.proxy.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the iptables tools. Every command goes through here, so a test can prefix them all (for example
 * with {@code ip netns exec NS}) and the proxy never touches any other tables. Commands take the xtables
 * lock with {@code -w}, waiting up to {@link #WAIT_SECONDS} as kube-proxy does.
 */
public final class Iptables {
    /** How long to wait for another program holding the xtables lock. */
    public static final String WAIT_SECONDS = "5";

    /** The tool's exit status and output. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** A message naming the command, its status and its error output. */
        public String describe() {
            return String.join(" ", command) + ": exit " + exitCode + (stderr.isBlank() ? "" : ": " + stderr.strip());
        }
    }

    private final List<String> prefix;

    /**
     * @param prefix words put before every command, e.g. {@code ["ip", "netns", "exec", "ns1"]}; empty to run
     *               the tools directly
     */
    public Iptables(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /** Runs on the host's own tables. */
    public static Iptables host() {
        return new Iptables(List.of());
    }

    /** Runs inside the named network namespace. */
    public static Iptables inNamespace(String netns) {
        return new Iptables(List.of("ip", "netns", "exec", netns));
    }

    /** {@code iptables -w 5 ARGS}. */
    public Result iptables(List<String> args) {
        var cmd = new ArrayList<String>(List.of("iptables", "-w", WAIT_SECONDS));
        cmd.addAll(args);
        return exec(cmd, null);
    }

    /** {@code iptables -w 5 -t TABLE ARGS}. */
    public Result iptables(String table, String... args) {
        var cmd = new ArrayList<String>(List.of("-t", table));
        cmd.addAll(List.of(args));
        return iptables(cmd);
    }

    /** {@code iptables-restore -w 5 --noflush --counters}, fed {@code input}: atomic per table. */
    public Result restore(String input) {
        return exec(List.of("iptables-restore", "-w", WAIT_SECONDS, "--noflush", "--counters"), input);
    }

    /** {@code iptables-save -t TABLE}. */
    public Result save(String table) {
        return exec(List.of("iptables-save", "-t", table), null);
    }

    /** {@code iptables-save} of every table. */
    public Result saveAll() {
        return exec(List.of("iptables-save"), null);
    }

    /** {@code iptables --version}, e.g. {@code iptables v1.8.9 (nf_tables)}. */
    public Result version() {
        return exec(List.of("iptables", "--version"), null);
    }

    /**
     * Runs another tool where the iptables commands run (the same namespace prefix), e.g. {@code conntrack}; a
     * tool that cannot be started is an {@link java.io.UncheckedIOException}.
     */
    public Result run(List<String> command) {
        return exec(command, null);
    }

    private Result exec(List<String> command, String stdin) {
        var full = new ArrayList<>(prefix);
        full.addAll(command);
        try {
            var process = new ProcessBuilder(full).start();
            // Drain stderr on its own thread so a chatty tool never blocks on a full pipe.
            var err = new ByteArrayOutputStream();
            var errReader = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The tool exited early (bad arguments); its status and stderr tell why.
            }
            var out = process.getInputStream().readAllBytes();
            int code = process.waitFor();
            errReader.join();
            return new Result(full, code, new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("running " + String.join(" ", full) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", full), e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // The process is gone; whatever was read is kept.
        }
    }
}
