package dev.berth.scheduler.cluster;

import dev.berth.kube.KubeConnection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real etcd + kube-apiserver for integration tests, started with {@code test/controlplane/controlplane.sh}
 * once per JVM and stopped when it exits. Tests use their own namespaces.
 */
final class ControlPlane {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static ControlPlane shared;

    final Path dir;
    final Path adminKubeconfig;
    final Path schedulerKubeconfig;
    final KubeConnection admin;

    private ControlPlane(Path dir) throws IOException {
        this.dir = dir;
        this.adminKubeconfig = dir.resolve("admin.kubeconfig");
        this.schedulerKubeconfig = dir.resolve("scheduler.kubeconfig");
        this.admin = KubeConnection.connect(adminKubeconfig.toString(), 0, 0);
    }

    static synchronized ControlPlane shared() throws Exception {
        if (shared == null) {
            Path dir = Files.createTempDirectory("berth-cp-");
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

    static Path script() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("test/controlplane/controlplane.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("test/controlplane/controlplane.sh not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("test/controlplane/controlplane.sh");
    }

    /** Restarts the API server process (etcd keeps the data). */
    void restartApiServer() throws Exception {
        run(script(), "restart-apiserver", dir.toString());
    }

    static void run(Path script, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = script.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    /** Creates an object from YAML (nodes keep their status, as a kubelet's would). */
    JsonNode create(String path, String yaml) throws Exception {
        return admin.post(path, YAML.readTree(yaml));
    }

    void namespace(String name) throws Exception {
        create("/api/v1/namespaces", "{apiVersion: v1, kind: Namespace, metadata: {name: " + name + "}}");
    }

    JsonNode get(String path) throws Exception {
        return admin.get(path);
    }

    /** Polls until the condition holds (bounded: fails the test after the timeout). */
    static void eventually(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
