package dev.berth.cni.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cni.it.Cni;
import dev.berth.linux.TestNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/berth-cni-install} into a temporary bin dir, then the installed executables called as a
 * container runtime calls them: a bare environment holding only {@code CNI_*} (no PATH, no JAVA_HOME),
 * from inside a "node" namespace this test makes, attaching a "pod" namespace it makes too.
 */
class InstallIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path INSTALLER = Cni.BIN.resolve("berth-cni-install");
    private static final String IP = Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
            .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("ip");

    private static Path root;
    private static Path binDir;
    private static Path confDir;
    private static Path dataDir;
    private static TestNamespaces namespaces;
    private static String node;
    private static String firstVersion;

    @BeforeAll
    static void install() throws IOException {
        root = Files.createTempDirectory("berth-install-it");
        binDir = root.resolve("opt/cni/bin");
        confDir = root.resolve("etc/cni/net.d");
        dataDir = root.resolve("var/lib/cni/networks");
        var conf = root.resolve("10-berth-it.conflist");
        Files.writeString(conf, """
                {"cniVersion":"1.0.0","name":"berth-it","plugins":[{"type":"berth-bridge","bridge":"br-install"}]}
                """);
        var result = installer("--bin-dir", binDir.toString(), "--conf-dir", confDir.toString(), "--conf", conf.toString());
        assertEquals(0, result.exit(), "installer: " + result.stderr());
        firstVersion = current();
        namespaces = new TestNamespaces();
        node = namespaces.create("node");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (namespaces != null) {
            namespaces.close();
        }
        if (root != null) {
            try (var files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static TestNamespaces.Result installer(String... args) {
        var command = new java.util.ArrayList<>(List.of(INSTALLER.toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        // The surefire JVM's jars are already built: no nested Maven run.
        builder.environment().put("BERTH_CNI_NO_BUILD", "1");
        return TestNamespaces.exec(builder, null);
    }

    private static String current() throws IOException {
        return Files.readString(binDir.resolve(".berth-cni/current")).strip();
    }

    /** Runs an installed plugin in the node namespace with exactly {@code env} (plus CNI_PATH) as its environment. */
    private static Cni.Outcome call(String plugin, Map<String, String> env, String config) {
        var builder = new ProcessBuilder(IP, "netns", "exec", node, binDir.resolve(plugin).toString());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("CNI_PATH", binDir.toString());
        var result = TestNamespaces.exec(builder, config.getBytes(StandardCharsets.UTF_8));
        JsonNode json = null;
        if (!result.stdout().isBlank()) {
            try {
                json = JSON.readTree(result.stdout());
            } catch (IOException e) {
                throw new AssertionError("not JSON on stdout: " + result.stdout(), e);
            }
        }
        return new Cni.Outcome(result.exit(), json, result.stdout(), result.stderr());
    }

    private static Map<String, String> env(String command, String containerId, String pod) {
        var env = new TreeMap<String, String>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", TestNamespaces.path(pod));
        env.put("CNI_IFNAME", "eth0");
        return env;
    }

    private static String config(String bridge, String ipamType, String subnet) {
        return """
                {"cniVersion":"1.0.0","name":"berth-install-it","type":"berth-bridge","bridge":"%s",
                 "isGateway":true,"ipam":{"type":"%s","subnet":"%s","dataDir":"%s"}}""".formatted(bridge, ipamType, subnet, dataDir);
    }

    private static String withPrevResult(String config, JsonNode result) {
        return config.substring(0, config.lastIndexOf('}')) + ",\"prevResult\":" + result + "}";
    }

    @Test
    void installsExecutablesAndTheNetworkConfig() throws IOException {
        for (var plugin : List.of("berth-bridge", "berth-host-local")) {
            var executable = binDir.resolve(plugin);
            assertTrue(Files.isExecutable(executable), plugin);
            var script = Files.readString(executable);
            assertTrue(script.startsWith("#!/bin/sh\n"), script);
            assertTrue(script.contains(binDir.resolve(".berth-cni").resolve(firstVersion).toString()), script);
            assertFalse(script.contains(Cni.BIN.getParent().toString()), "no path into the checkout: " + script);
        }
        assertTrue(Files.exists(binDir.resolve(".berth-cni").resolve(firstVersion).resolve("berth-cni.aot")));
        assertEquals(Files.readString(root.resolve("10-berth-it.conflist")), Files.readString(confDir.resolve("10-berth-it.conflist")));
        try (var leftovers = Files.list(binDir)) {
            assertEquals(List.of("berth-bridge", "berth-host-local"),
                    leftovers.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".berth-cni")).sorted().toList(),
                    "no temporary files left in the bin dir");
        }
    }

    @Test
    void versionAnswersWithOnlyCniVariables() {
        for (var plugin : List.of("berth-bridge", "berth-host-local")) {
            var outcome = call(plugin, Map.of("CNI_COMMAND", "VERSION"), "");
            assertEquals(0, outcome.exit(), outcome.toString());
            assertEquals("1.1.0", outcome.json().path("cniVersion").asText(), outcome.toString());
            assertTrue(outcome.json().path("supportedVersions").toString().contains("0.4.0"), outcome.toString());
        }
    }

    @Test
    void addCheckDelWithInProcessHostLocal() {
        attachAndDetach("host-local", "10.91.1.0/24", "inproc");
    }

    @Test
    void addCheckDelDelegatingToTheInstalledHostLocal() {
        attachAndDetach("berth-host-local", "10.91.2.0/24", "delegated");
    }

    private void attachAndDetach(String ipamType, String subnet, String name) {
        var pod = namespaces.create(name);
        var id = "install-it-" + name;
        var config = config("br-" + name, ipamType, subnet);
        var added = call("berth-bridge", env("ADD", id, pod), config);
        assertEquals(0, added.exit(), added.toString());
        var address = added.json().path("ips").path(0).path("address").asText();
        assertTrue(address.startsWith(subnet.substring(0, subnet.lastIndexOf('.'))), added.toString());
        var podAddresses = TestNamespaces.ipJson(pod, "addr", "show", "eth0").toString();
        assertTrue(podAddresses.contains(address.substring(0, address.indexOf('/'))), podAddresses);
        assertTrue(Files.exists(dataDir.resolve("berth-install-it").resolve(address.substring(0, address.indexOf('/')))));

        var checked = call("berth-bridge", env("CHECK", id, pod), withPrevResult(config, added.json()));
        assertEquals(0, checked.exit(), checked.toString());

        var deleted = call("berth-bridge", env("DEL", id, pod), config);
        assertEquals(0, deleted.exit(), deleted.toString());
        assertFalse(TestNamespaces.links(pod).contains("eth0"));
        assertFalse(Files.exists(dataDir.resolve("berth-install-it").resolve(address.substring(0, address.indexOf('/')))),
                "the address is released");
    }

    @Test
    void reinstallSwapsToANewVersionAndKeepsOnlyThePrevious() throws IOException {
        var again = installer("--bin-dir", binDir.toString());
        assertEquals(0, again.exit(), "installer: " + again.stderr());
        var second = current();
        assertNotEquals(firstVersion, second);
        assertTrue(Files.readString(binDir.resolve("berth-bridge")).contains(second));
        try (var versions = Files.list(binDir.resolve(".berth-cni"))) {
            assertEquals(List.of(firstVersion, second).stream().sorted().toList(),
                    versions.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList(),
                    "the new version and the one a call in flight may still use");
        }
        var outcome = call("berth-bridge", Map.of("CNI_COMMAND", "VERSION"), "");
        assertEquals(0, outcome.exit(), outcome.toString());
        firstVersion = second;
    }
}
