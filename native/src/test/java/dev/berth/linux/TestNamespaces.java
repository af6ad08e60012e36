package dev.berth.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Network namespaces made for one test with {@code ip netns add berth-it-<random>-<suffix>} and always
 * deleted, plus the iproute2 commands that cross-check what the code under test did. Nothing here
 * touches the host namespace: a test's "node" is a namespace of its own too. Published in native's
 * test-jar for the other modules' kernel ITs.
 */
public final class TestNamespaces implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> names = new ArrayList<>();
    private final String prefix = "berth-it-" + UUID.randomUUID().toString().substring(0, 8);

    /** Creates a namespace named {@code berth-it-<random>-<suffix>} with loopback up; returns its name. */
    public String create(String suffix) {
        var name = prefix + "-" + suffix;
        run("ip", "netns", "add", name);
        names.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** Deletes one namespace now (for "namespace already gone" cases). */
    public void delete(String name) {
        run("ip", "netns", "del", name);
        names.remove(name);
    }

    /** The path a runtime would pass as CNI_NETNS. */
    public static String path(String name) {
        return "/var/run/netns/" + name;
    }

    public record Result(int exit, String stdout, String stderr) {}

    /** Runs a command, fails on a non-zero exit, returns stdout. */
    public static String run(String... command) {
        var result = exec(command);
        if (result.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exit() + ": " + result.stderr());
        }
        return result.stdout();
    }

    public static Result exec(String... command) {
        return exec(new ProcessBuilder(Arrays.asList(command)), null);
    }

    /** Runs a command with {@code stdin} (may be null) and returns its exit and output. */
    public static Result exec(byte[] stdin, String... command) {
        return exec(new ProcessBuilder(Arrays.asList(command)), stdin);
    }

    public static Result exec(ProcessBuilder builder, byte[] stdin) {
        try {
            var process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            // stderr on its own thread: a chatty child must not block on a full pipe while we read stdout.
            var err = new StringBuilder();
            var errReader = Thread.ofPlatform().start(() -> {
                try {
                    err.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // The process is gone; what was read is what there is.
                }
            });
            var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            errReader.join();
            return new Result(exit, out, err.toString());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + builder.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code ip -n NS -j -d ARGS...} parsed. */
    public static JsonNode ipJson(String ns, String... args) {
        var command = new ArrayList<>(List.of("ip", "-n", ns, "-j", "-d"));
        command.addAll(Arrays.asList(args));
        return json(run(command.toArray(String[]::new)));
    }

    /** {@code bridge -n NS -j ARGS...} parsed; an empty answer is an empty array. */
    public static JsonNode bridgeJson(String ns, String... args) {
        var command = new ArrayList<>(List.of("bridge", "-n", ns, "-j"));
        command.addAll(Arrays.asList(args));
        return json(run(command.toArray(String[]::new)));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.isBlank() ? "[]" : text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Names of the links in a namespace. */
    public static List<String> links(String ns) {
        var names = new ArrayList<String>();
        ipJson(ns, "link", "show").forEach(link -> names.add(link.get("ifname").asText()));
        return names;
    }

    /** Whether this kernel has bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING); probed in {@code ns}. */
    public static boolean kernelFiltersVlans(String ns) {
        var probe = "berth-vlanprobe";
        boolean supported = exec("ip", "-n", ns, "link", "add", probe, "type", "bridge", "vlan_filtering", "1").exit() == 0;
        exec("ip", "-n", ns, "link", "del", probe);
        return supported;
    }

    /** {@code ip netns exec NS ping -c1 -W1 ADDRESS} succeeded. */
    public static boolean ping(String ns, String address) {
        // The first packet can race ARP and bridge learning; a few tries keep the test about reachability.
        for (int attempt = 0; attempt < 3; attempt++) {
            if (exec("ip", "netns", "exec", ns, "ping", "-c1", "-W1", address).exit() == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        for (var name : names.reversed()) {
            exec("ip", "netns", "del", name);
        }
        names.clear();
    }
}
