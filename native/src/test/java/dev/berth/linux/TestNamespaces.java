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
 * Network namespaces made for one test with {@code ip netns add berth-it-*} and always deleted, plus the
 * iproute2 commands that cross-check what the library did. Nothing here touches the host namespace.
 */
public final class TestNamespaces implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> names = new ArrayList<>();
    private final String prefix = "berth-it-" + UUID.randomUUID().toString().substring(0, 8);

    /** Creates a namespace named {@code berth-it-<random>-<suffix>} with loopback up. */
    public String create(String suffix) {
        var name = prefix + "-" + suffix;
        run("ip", "netns", "add", name);
        names.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** Runs a command, fails on a non-zero exit, returns stdout. */
    public static String run(String... command) {
        var result = exec(command);
        if (result.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exit() + ": " + result.stderr());
        }
        return result.stdout();
    }

    public record Result(int exit, String stdout, String stderr) {}

    public static Result exec(String... command) {
        try {
            var process = new ProcessBuilder(Arrays.asList(command)).start();
            process.getOutputStream().close();
            var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            var err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), out, err);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code ip -n NS -j [-d] ARGS...} parsed. */
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

    /** Whether this kernel has bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING); probed in {@code ns}. */
    public static boolean kernelFiltersVlans(String ns) {
        var probe = "berth-vlanprobe";
        boolean supported = exec("ip", "-n", ns, "link", "add", probe, "type", "bridge", "vlan_filtering", "1").exit() == 0;
        exec("ip", "-n", ns, "link", "del", probe);
        return supported;
    }

    /** {@code ip netns exec NS ping -c1 -W1 ADDRESS} succeeded. */
    public static boolean ping(String ns, String address) {
        // The first packet can race ARP and bridge learning; a few tries keep this test about reachability.
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
    }
}
