package dev.berth.proxy.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.kube.KubeConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd + kube-apiserver (1.20, from {@code test/controlplane/controlplane.sh}) for the proxy's end-to-end
 * tests, started once per JVM and stopped when it exits.
 */
final class ControlPlane {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ControlPlane shared;

    final Path dir;
    final Path proxyKubeconfig;
    final KubeConnection admin;

    private ControlPlane(Path dir) throws Exception {
        this.dir = dir;
        this.proxyKubeconfig = dir.resolve("proxy.kubeconfig");
        this.admin = KubeConnection.connect(dir.resolve("admin.kubeconfig").toString(), 0, 0);
    }

    static synchronized ControlPlane shared() throws Exception {
        if (shared == null) {
            var dir = Files.createTempDirectory("berth-proxy-cp-");
            run(script(), "start", dir.toString());
            shared = new ControlPlane(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run(script(), "stop", dir.toString());
                } catch (Exception ignored) {
                    // Best effort at JVM exit.
                }
            }));
        }
        return shared;
    }

    private static Path script() {
        var p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("test/controlplane/controlplane.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("test/controlplane/controlplane.sh not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("test/controlplane/controlplane.sh");
    }

    private static void run(Path script, String... args) throws Exception {
        var cmd = new String[args.length + 1];
        cmd[0] = script.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    /** POSTs a JSON object given as text. */
    JsonNode create(String path, String json) throws Exception {
        return admin.post(path, JSON.readTree(json));
    }
}
