package dev.berth.cni.skel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.Dns;
import dev.berth.cni.types.IpConfig;
import dev.berth.cni.types.Result;
import dev.berth.linux.IpNet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The dispatcher's protocol behaviour, with a recording plugin and in-memory streams. */
class SkelTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CONFIG = "{\"cniVersion\":\"%s\",\"name\":\"podnet\",\"type\":\"test\"}";

    /** Records calls; ADD answers one address. */
    static final class RecordingPlugin implements Plugin {
        final List<Request> calls = new ArrayList<>();
        RuntimeException failure;
        List<String> versions = dev.berth.cni.types.CniVersions.ALL;

        @Override
        public Result add(Request request) {
            calls.add(request);
            if (failure != null) {
                throw failure;
            }
            return new Result(List.of(), List.of(new IpConfig(null, IpNet.parse("10.1.0.5/24"), null)), List.of(), Dns.EMPTY);
        }

        @Override
        public void del(Request request) {
            calls.add(request);
        }

        @Override
        public void check(Request request) {
            calls.add(request);
        }

        @Override
        public void gc(Request request) {
            calls.add(request);
        }

        @Override
        public List<String> supportedVersions() {
            return versions;
        }
    }

    record Outcome(int status, String stdout, String stderr) {
        JsonNode json() {
            try {
                return MAPPER.readTree(stdout);
            } catch (Exception e) {
                throw new AssertionError("stdout is not JSON: " + stdout, e);
            }
        }
    }

    static Map<String, String> env(String command) {
        var env = new HashMap<String, String>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "c0ffee");
        env.put("CNI_NETNS", "/var/run/netns/berth-test-does-not-exist");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin:/usr/lib/cni");
        return env;
    }

    static Outcome run(Plugin plugin, Map<String, String> env, String stdin) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var skel = new Skel(env::get, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int status = skel.run(plugin, "CNI test plugin v0");
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> without(Map<String, String> env, String... names) {
        var copy = new HashMap<>(env);
        for (var name : names) {
            copy.remove(name);
        }
        return copy;
    }

    static Map<String, String> with(Map<String, String> env, String name, String value) {
        var copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    static Stream<Arguments> errors() {
        var v1 = CONFIG.formatted("1.1.0");
        return Stream.of(
                Arguments.of("ADD without netns", without(env("ADD"), "CNI_NETNS"), v1, 4,
                        "required env variables [CNI_NETNS] missing"),
                Arguments.of("CHECK without netns and ifname", without(env("CHECK"), "CNI_NETNS", "CNI_IFNAME"), v1, 4,
                        "required env variables [CNI_NETNS,CNI_IFNAME] missing"),
                Arguments.of("DEL without container id", without(env("DEL"), "CNI_CONTAINERID"), v1, 4,
                        "required env variables [CNI_CONTAINERID] missing"),
                Arguments.of("GC without path", without(env("GC"), "CNI_PATH"), v1, 4,
                        "required env variables [CNI_PATH] missing"),
                Arguments.of("unknown command", env("FROB"), v1, 4, "unknown CNI_COMMAND: FROB"),
                Arguments.of("invalid container id", with(env("ADD"), "CNI_CONTAINERID", "-bad"), v1, 4,
                        "invalid characters in containerID"),
                Arguments.of("interface name too long", with(env("ADD"), "CNI_IFNAME", "a23456789012345x"), v1, 4,
                        "interface name is too long"),
                Arguments.of("interface name with slash", with(env("ADD"), "CNI_IFNAME", "eth/0"), v1, 4,
                        "interface name contains / or : or whitespace characters"),
                Arguments.of("interface name dot", with(env("DEL"), "CNI_IFNAME", ".."), v1, 4,
                        "interface name is . or .."),
                Arguments.of("malformed JSON", env("ADD"), "{\"name\":", 6, null),
                Arguments.of("config not an object", env("ADD"), "[]", 6, null),
                Arguments.of("missing name", env("ADD"), "{\"cniVersion\":\"1.0.0\"}", 7, "missing network name"),
                Arguments.of("invalid name", env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"a b\"}", 7,
                        "invalid characters found in network name"),
                Arguments.of("unknown version on ADD", env("ADD"), CONFIG.formatted("9.9.9"), 1, "incompatible CNI versions"),
                Arguments.of("CHECK below 0.4.0", env("CHECK"), CONFIG.formatted("0.3.1"), 1,
                        "config version does not allow CHECK"),
                Arguments.of("GC below 1.1.0", env("GC"), CONFIG.formatted("1.0.0"), 1, "config version does not allow GC"),
                Arguments.of("STATUS below 1.1.0", env("STATUS"), CONFIG.formatted("0.4.0"), 1,
                        "config version does not allow STATUS"),
                Arguments.of("malformed prevResult", env("CHECK"),
                        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"prevResult\":{\"ips\":[{\"address\":\"nope\"}]}}", 6,
                        "could not parse prevResult: cannot decode ips[0].address: invalid CIDR address: nope"),
                Arguments.of("malformed runtimeConfig ips", env("ADD"),
                        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"runtimeConfig\":{\"ips\":[\"10.0.0.300\"]}}", 6, null));
    }

    @ParameterizedTest(name = "{0} → code {3}")
    @MethodSource("errors")
    void errorsPrintTheSpecsJsonAndExitNonZero(String name, Map<String, String> env, String stdin, int code, String msg) {
        var plugin = new RecordingPlugin();
        var outcome = run(plugin, env, stdin);
        assertEquals(1, outcome.status());
        var json = outcome.json();
        assertEquals(code, json.get("code").asInt(), outcome.stdout());
        if (msg != null) {
            assertEquals(msg, json.get("msg").asText());
        }
        assertNotNull(json.get("cniVersion"));
        assertTrue(plugin.calls.isEmpty(), "the plugin must not run");
    }

    @Test
    void incompatibleVersionDetailsNameConfigAndSupportedVersions() {
        var plugin = new RecordingPlugin();
        plugin.versions = List.of("0.4.0", "1.0.0");
        var json = run(plugin, env("ADD"), CONFIG.formatted("0.3.1")).json();
        assertEquals("config is \"0.3.1\", plugin supports [\"0.4.0\" \"1.0.0\"]", json.get("details").asText());
        assertEquals("0.3.1", json.get("cniVersion").asText());
    }

    @Test
    void versionIgnoresStdinAndListsSupportedVersions() {
        var outcome = run(new RecordingPlugin(), Map.of("CNI_COMMAND", "VERSION"), "not json at all");
        assertEquals(0, outcome.status());
        assertEquals(MAPPER.valueToTree(Map.of("cniVersion", "1.1.0", "supportedVersions",
                List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"))), outcome.json());
    }

    static Stream<Arguments> versionLists() {
        return Stream.of(Arguments.of("all", dev.berth.cni.types.CniVersions.ALL), Arguments.of("one", List.of("1.0.0")),
                Arguments.of("none", List.of()));
    }

    @ParameterizedTest(name = "VERSION text without Jackson, {0}")
    @MethodSource("versionLists")
    void versionTextIsWhatThePrettyPrinterWrites(String name, List<String> versions) throws Exception {
        var plugin = new RecordingPlugin();
        plugin.versions = versions;
        var node = MAPPER.createObjectNode().put("cniVersion", "1.1.0");
        versions.forEach(node.putArray("supportedVersions")::add);
        var expected = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(node) + "\n";
        assertEquals(expected, run(plugin, Map.of("CNI_COMMAND", "VERSION"), "").stdout());
    }

    @Test
    void noCommandPrintsTheAboutTextAndSucceeds() {
        var outcome = run(new RecordingPlugin(), Map.of(), "");
        assertEquals(0, outcome.status());
        assertEquals("", outcome.stdout());
        assertTrue(outcome.stderr().startsWith("CNI test plugin v0"), outcome.stderr());
    }

    @ParameterizedTest(name = "ADD result in {0}")
    @MethodSource("dev.berth.cni.types.ResultCodecTest#richResultPerVersion")
    void addPrintsTheResultInTheConfigsVersion(String version, String ignored) {
        var outcome = run(new RecordingPlugin(), env("ADD"), CONFIG.formatted(version));
        assertEquals(0, outcome.status(), outcome.stdout());
        assertEquals(version, outcome.json().get("cniVersion").asText());
    }

    @Test
    void delNeedsNoNetnsAndPrintsNothing() {
        var plugin = new RecordingPlugin();
        var outcome = run(plugin, without(env("DEL"), "CNI_NETNS"), CONFIG.formatted("1.0.0"));
        assertEquals(0, outcome.status());
        assertEquals("", outcome.stdout());
        var request = plugin.calls.getFirst();
        assertEquals(Command.DEL, request.command());
        assertEquals("", request.environment().netns());
        assertEquals(List.of(java.nio.file.Path.of("/opt/cni/bin"), java.nio.file.Path.of("/usr/lib/cni")),
                request.environment().path());
    }

    @Test
    void aMissingCniVersionMeans010() {
        var plugin = new RecordingPlugin();
        var outcome = run(plugin, env("ADD"), "{\"name\":\"podnet\"}");
        assertEquals(0, outcome.status(), outcome.stdout());
        assertEquals("0.1.0", plugin.calls.getFirst().config().cniVersion());
        assertNotNull(outcome.json().get("ip4"));
    }

    @Test
    void gcNeedsOnlyPathAt110() {
        var plugin = new RecordingPlugin();
        var outcome = run(plugin, Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/opt/cni/bin"), CONFIG.formatted("1.1.0"));
        assertEquals(0, outcome.status(), outcome.stdout());
        assertEquals(Command.GC, plugin.calls.getFirst().command());
    }

    @Test
    void pluginErrorsKeepTheirCodeAndOthersBecome999() {
        var plugin = new RecordingPlugin();
        plugin.failure = new CniException(CniException.TRY_AGAIN_LATER, "busy", "lock held");
        var json = run(plugin, env("ADD"), CONFIG.formatted("1.0.0")).json();
        assertEquals(11, json.get("code").asInt());
        assertEquals("lock held", json.get("details").asText());
        plugin.failure = new IllegalStateException("kaput");
        json = run(plugin, env("ADD"), CONFIG.formatted("1.0.0")).json();
        assertEquals(999, json.get("code").asInt());
        assertEquals("kaput", json.get("msg").asText());
        assertNull(json.get("details"));
    }

    @Test
    void addIntoThePluginsOwnNamespaceIsRefused() {
        var plugin = new RecordingPlugin();
        var json = run(plugin, with(env("ADD"), "CNI_NETNS", "/proc/self/ns/net"), CONFIG.formatted("1.0.0")).json();
        assertEquals(CniException.INVALID_NETNS, json.get("code").asInt());
        assertTrue(plugin.calls.isEmpty());
        var overridden = run(plugin, with(with(env("ADD"), "CNI_NETNS", "/proc/self/ns/net"), "CNI_NETNS_OVERRIDE", "1"),
                CONFIG.formatted("1.0.0"));
        assertEquals(0, overridden.status());
    }
}
