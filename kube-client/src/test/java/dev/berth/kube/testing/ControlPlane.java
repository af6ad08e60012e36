package dev.berth.kube.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.kube.KubeConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real etcd + kube-apiserver for integration tests, started with {@code test/controlplane/controlplane.sh}
 * once per JVM and stopped (its directory removed) when the JVM exits. Tests use their own namespaces and
 * object names. The script's token users each have a kubeconfig: "admin" (cluster-admin),
 * "scheduler" and "proxy" (no rights until a test binds a role to user berth-scheduler / berth-proxy).
 */
public final class ControlPlane {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static ControlPlane shared;

    public final Path dir;
    public final Path adminKubeconfig;
    public final KubeConnection admin;

    private ControlPlane(Path dir) throws Exception {
        this.dir = dir;
        this.adminKubeconfig = kubeconfig("admin");
        this.admin = KubeConnection.connect(adminKubeconfig.toString(), 0, 0);
    }

    public static synchronized ControlPlane shared() throws Exception {
        if (shared == null) {
            Path dir = Files.createTempDirectory("berth-cp-");
            run("start", dir.toString());
            shared = new ControlPlane(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run("stop", dir.toString());
                } catch (Exception ignored) {
                    // Best effort at JVM exit.
                }
            }));
        }
        return shared;
    }

    /** The kubeconfig of one of the script's token users ("admin", "scheduler", "proxy"). */
    public Path kubeconfig(String user) {
        return dir.resolve(user + ".kubeconfig");
    }

    /** The repository root: the nearest directory above the working directory that holds the script. */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("test/controlplane/controlplane.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("test/controlplane/controlplane.sh not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Restarts the API server process (etcd keeps the data). */
    public void restartApiServer() throws Exception {
        run("restart-apiserver", dir.toString());
    }

    private static void run(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = repositoryRoot().resolve("test/controlplane/controlplane.sh").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    /** Creates an object given as YAML or JSON text (nodes keep their status, as a kubelet's would). */
    public JsonNode create(String path, String yamlOrJson) throws Exception {
        return admin.post(path, YAML.readTree(yamlOrJson));
    }

    public void namespace(String name) throws Exception {
        create("/api/v1/namespaces", "{apiVersion: v1, kind: Namespace, metadata: {name: " + name + "}}");
    }

    public JsonNode get(String path) throws Exception {
        return admin.get(path);
    }

    /** Polls until the condition holds (bounded: fails the test after the timeout). */
    public static void eventually(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
