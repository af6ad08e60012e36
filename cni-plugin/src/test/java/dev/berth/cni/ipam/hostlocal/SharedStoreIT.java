package dev.berth.cni.ipam.hostlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.cni.it.Cni;
import dev.berth.cni.it.Node;
import dev.berth.linux.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * berth-host-local and the reference host-local (Debian's containernetworking-plugins) allocating at the
 * same time from one data directory: the shared flock and file format must never hand out an address
 * twice, and each plugin must release what the other allocated.
 */
class SharedStoreIT {
    private static final Path REFERENCE = Path.of("/usr/lib/cni/host-local");

    private Node fixture;
    private String node;
    private String pod;
    private Path dataDir;

    @BeforeEach
    void setUp() {
        assumeTrue(Files.isExecutable(REFERENCE), "the reference host-local is not installed (.ci/run installs it)");
        fixture = new Node();
        node = fixture.name();
        pod = fixture.namespace("pod");
        dataDir = fixture.dataDir();
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private String config() {
        return """
                {"cniVersion":"1.0.0","name":"shared","type":"host-local",
                 "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.66.0.0/27"}]]}}""".formatted(dataDir);
    }

    private String executable(int i) {
        return i % 2 == 0 ? Cni.BIN.resolve("berth-host-local").toString() : REFERENCE.toString();
    }

    @Test
    void twentyConcurrentAddsFromBothPluginsNeverShareAnAddress() throws Exception {
        var calls = new ArrayList<Callable<Cni.Outcome>>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            calls.add(() -> Cni.run(executable(n), node, Cni.env("ADD", "ctr-" + n, TestNamespaces.path(pod), "eth0"), config()));
        }
        List<Cni.Outcome> outcomes;
        try (var pool = Executors.newFixedThreadPool(20)) {
            outcomes = pool.invokeAll(calls).stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).toList();
        }
        var addresses = new HashSet<String>();
        for (int i = 0; i < outcomes.size(); i++) {
            var outcome = outcomes.get(i);
            assertEquals(0, outcome.exit(), executable(i) + ": " + outcome);
            var address = outcome.json().get("ips").get(0).get("address").asText();
            var ip = address.substring(0, address.indexOf('/'));
            assertEquals(true, addresses.add(ip), "address " + ip + " handed out twice");
            assertEquals("ctr-" + i + "\r\neth0", Files.readString(dataDir.resolve("shared").resolve(ip)));
        }
        assertEquals(20, addresses.size());

        // Each plugin releases what the other one allocated.
        for (int i = 0; i < 20; i++) {
            var outcome = Cni.run(executable(i + 1), node, Cni.env("DEL", "ctr-" + i, TestNamespaces.path(pod), "eth0"), config());
            assertEquals(0, outcome.exit(), outcome::toString);
        }
        try (var files = Files.list(dataDir.resolve("shared"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals("lock") && !name.startsWith("last_reserved_ip")).toList());
        }
    }
}
