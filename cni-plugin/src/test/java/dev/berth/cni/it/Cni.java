package dev.berth.cni.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.linux.TestNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a CNI plugin executable as a runtime does: a fresh process inside the "node" namespace
 * ({@code ip netns exec}), {@code CNI_*} in the environment, the configuration on stdin.
 */
public final class Cni {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The module's directory is the tests' working directory; the launchers live in ../bin. */
    public static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    private Cni() {}

    public record Outcome(int exit, JsonNode json, String stdout, String stderr) {
        public int code() {
            return json == null ? -1 : json.path("code").asInt(-1);
        }

        @Override
        public String toString() {
            return "exit " + exit + ", stdout " + stdout + ", stderr " + stderr;
        }
    }

    /** Environment of one call; {@code null} values are left out (to test missing variables). */
    public static Map<String, String> env(String command, String containerId, String netns, String ifName) {
        var env = new LinkedHashMap<String, String>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns);
        env.put("CNI_IFNAME", ifName);
        env.put("CNI_PATH", "/usr/lib/cni");
        return env;
    }

    public static Outcome run(String executable, String nodeNs, Map<String, String> env, String config) {
        var builder = new ProcessBuilder(List.of("ip", "netns", "exec", nodeNs, executable));
        var vars = builder.environment();
        vars.keySet().removeIf(key -> key.startsWith("CNI_"));
        env.forEach((key, value) -> {
            if (value != null) {
                vars.put(key, value);
            }
        });
        var result = TestNamespaces.exec(builder, config.getBytes(StandardCharsets.UTF_8));
        JsonNode json = null;
        if (!result.stdout().isBlank()) {
            try {
                json = JSON.readTree(result.stdout());
            } catch (IOException e) {
                throw new AssertionError("not JSON on stdout: " + result.stdout(), e);
            }
        }
        return new Outcome(result.exit(), json, result.stdout(), result.stderr());
    }

    public static Outcome bridge(String nodeNs, Map<String, String> env, String config) {
        return run(BIN.resolve("berth-bridge").toString(), nodeNs, env, config);
    }
}
