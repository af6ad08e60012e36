package dev.berth.cni.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Network namespaces made for one test ({@code ip netns add berth-it-<random>-<suffix>}) and always
 * deleted, plus the iproute2 commands the tests check the kernel with. The host's own namespace is
 * never touched: the "node" is a namespace of its own too.
 */
public final class Namespaces implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> names = new ArrayList<>();
    private final String prefix = "berth-it-" + UUID.randomUUID().toString().substring(0, 8);

    /** Creates a namespace with loopback up; returns its name. */
    public String create(String suffix) {
        var name = prefix + "-" + suffix;
        run("ip", "netns", "add", name);
        names.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** The path a runtime would pass as CNI_NETNS. */
    public static String path(String name) {
        return "/var/run/netns/" + name;
    }

    /** Deletes one namespace now (for "netns already gone" cases). */
    public void delete(String name) {
        run("ip", "netns", "del", name);
        names.remove(name);
    }

    public record Result(int exit, String stdout, String stderr) {}

    public static String run(String... command) {
        var result = exec(null, command);
        if (result.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exit() + ": " + result.stderr());
        }
        return result.stdout();
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
        try {
            return JSON.readTree(run(command.toArray(String[]::new)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code bridge -n NS -j ARGS...} parsed; an empty answer is an empty array. */
    public static JsonNode bridgeJson(String ns, String... args) {
        var command = new ArrayList<>(List.of("bridge", "-n", ns, "-j"));
        command.addAll(Arrays.asList(args));
        try {
            var out = run(command.toArray(String[]::new));
            return JSON.readTree(out.isBlank() ? "[]" : out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether the kernel has bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), probed inside {@code ns}. */
    public static boolean kernelFiltersVlans(String ns) {
        var probe = "berth-vlanprobe";
        boolean supported = exec(null, "ip", "-n", ns, "link", "add", probe, "type", "bridge", "vlan_filtering", "1").exit() == 0;
        exec(null, "ip", "-n", ns, "link", "del", probe);
        return supported;
    }

    /** Names of the links in a namespace. */
    public static List<String> links(String ns) {
        var names = new ArrayList<String>();
        ipJson(ns, "link", "show").forEach(link -> names.add(link.get("ifname").asText()));
        return names;
    }

    /** {@code ping -c1} from inside {@code ns}, with a few tries for ARP and bridge learning. */
    public static boolean ping(String ns, String address) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (exec(null, "ip", "netns", "exec", ns, "ping", "-c1", "-W1", address).exit() == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        for (var name : names.reversed()) {
            exec(null, "ip", "netns", "del", name);
        }
        names.clear();
    }
}
