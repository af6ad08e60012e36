package dev.berth.bench.sidebyside;

import static dev.berth.bench.Stats.cpuSeconds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Side-by-side throughput of kube-scheduler and berth-scheduler on a real kube-apiserver + etcd
 * (issue 3). For each scale and each scheduler: a fresh control plane, the nodes and then all pods
 * created, and only then the scheduler started; throughput is bound pods over the span from the first
 * bind the harness sees to the last; afterwards every placement is checked. Run through
 * {@code bench/side-by-side-scheduler.sh}; never part of the test suite.
 */
public final class SideBySide {
    /** A cluster size to measure. */
    record Scale(int nodes, int pods) {
        static Scale parse(String s) {
            String[] p = s.toLowerCase().split("x");
            if (p.length != 2) {
                throw new IllegalArgumentException("scale '" + s + "': want NODESxPODS, e.g. 1000x3000");
            }
            return new Scale(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
        }
    }

    /** One scheduler's measurement at one scale; times in seconds. */
    record Run(String scheduler, int nodes, int pods, double createNodesSeconds, double createPodsSeconds,
               double startupSeconds, double bindSpanSeconds, double podsPerSecond, double wallSeconds,
               int bound, int unbound, int violations, List<String> sampleViolations, double schedulerCpuSeconds,
               String loadAverageAtStart) {}

    record Options(Path root, List<Scale> scales, List<String> schedulers, String berthJavaOpts, Duration timeout,
                   Duration stall, Path out, Path resultsMd, boolean keep, String note, int repeat) {}

    private SideBySide() {}

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Path script = o.root().resolve("test/controlplane/controlplane.sh");
        Path kubeBin = Path.of(ControlPlane.run(script, "bin").strip());
        List<Run> runs = new ArrayList<>();
        for (Scale scale : o.scales()) {
            // Alternating the schedulers spreads background load on a shared machine over both.
            for (int rep = 0; rep < o.repeat(); rep++)
            for (String name : o.schedulers()) {
                SchedulerUnderTest s = switch (name) {
                    case "kube-scheduler" -> new SchedulerUnderTest.Kube(kubeBin.resolve("kube-scheduler"));
                    case "berth-scheduler" -> new SchedulerUnderTest.Berth(o.root().resolve("bin/berth-scheduler"), o.berthJavaOpts());
                    default -> throw new IllegalArgumentException("unknown scheduler " + name);
                };
                Run run = measure(script, s, scale, o);
                runs.add(run);
                System.out.println(Report.line(run));
            }
        }
        System.out.println();
        System.out.print(Report.table(runs));
        ObjectNode json = Report.json(runs, o.note(), String.join(" ", args));
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Api.JSON.writerWithDefaultPrettyPrinter().writeValue(o.out().toFile(), json);
        System.out.println("side-by-side: wrote " + o.out());
        if (o.resultsMd() != null) {
            Report.updateResultsMd(o.resultsMd(), runs, o.note());
            System.out.println("side-by-side: updated " + o.resultsMd());
        }
        int violations = runs.stream().mapToInt(r -> r.violations() + r.unbound()).sum();
        System.exit(violations == 0 ? 0 : 1);
    }

    static Run measure(Path script, SchedulerUnderTest s, Scale scale, Options o) throws Exception {
        Path dir = Files.createTempDirectory("berth-sbs-" + s.name() + "-" + scale.nodes() + "-");
        System.err.printf("side-by-side: %s at %,d nodes / %,d pods (control plane in %s)%n", s.name(), scale.nodes(), scale.pods(), dir);
        ControlPlane.run(script, "start", dir.toString());
        Process proc = null;
        try {
            Path kubeconfig = dir.resolve("admin.kubeconfig");
            Api api = Api.fromKubeconfig(kubeconfig);
            api.post("/api/v1/namespaces", ClusterObjects.namespace());
            long t = System.nanoTime();
            createAll(api, "/api/v1/nodes", ClusterObjects.nodes(scale.nodes()));
            double nodesSeconds = seconds(System.nanoTime() - t);
            t = System.nanoTime();
            createAll(api, "/api/v1/namespaces/" + ClusterObjects.NAMESPACE + "/pods", ClusterObjects.pods(scale.pods()));
            double podsSeconds = seconds(System.nanoTime() - t);
            System.err.printf("side-by-side: created %,d nodes in %.1f s, %,d pods in %.1f s%n", scale.nodes(), nodesSeconds,
                    scale.pods(), podsSeconds);
            try (BindWatcher watcher = new BindWatcher(api, scale.pods())) {
                watcher.start();
                String load = Files.readString(Path.of("/proc/loadavg")).strip();
                ProcessBuilder pb = s.command(dir, kubeconfig).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(s.name() + ".log").toFile());
                long started = System.nanoTime();
                proc = pb.start();
                boolean all = watcher.awaitAll(o.timeout(), o.stall());
                double cpu = cpuSeconds(proc.pid());
                if (!all) {
                    System.err.println("side-by-side: " + s.name() + " did not bind every pod; log: " + dir.resolve(s.name() + ".log"));
                }
                Map<String, Long> times = watcher.bindTimes();
                long first = times.values().stream().mapToLong(Long::longValue).min().orElse(started);
                long last = times.values().stream().mapToLong(Long::longValue).max().orElse(started);
                stop(proc);
                List<JsonNode> nodes = api.list("/api/v1/nodes");
                List<JsonNode> pods = api.list("/api/v1/namespaces/" + ClusterObjects.NAMESPACE + "/pods");
                PlacementChecker.Report check = PlacementChecker.check(nodes, pods);
                double span = seconds(last - first);
                return new Run(s.name(), scale.nodes(), scale.pods(), nodesSeconds, podsSeconds, seconds(first - started), span,
                        span > 0 ? times.size() / span : 0, seconds(last - started), check.bound(), check.unbound(),
                        check.violations().size(), check.violations().stream().limit(10).map(Object::toString).toList(), cpu, load);
            }
        } finally {
            if (proc != null) {
                stop(proc);
            }
            if (o.keep()) {
                ControlPlane.run(script, "stop", dir.toString(), "--keep");
            } else {
                ControlPlane.run(script, "stop", dir.toString());
                deleteTree(dir);
            }
        }
    }

    /** Creates every object at once on virtual threads; the API server is on loopback. */
    private static void createAll(Api api, String path, List<ObjectNode> objects) throws IOException, InterruptedException {
        try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> futures = new ArrayList<>(objects.size());
            for (ObjectNode obj : objects) {
                futures.add(exec.submit(() -> api.post(path, obj)));
            }
            for (var f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IOException("creating objects under " + path + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static Options parse(String[] args) {
        Path root = null;
        List<Scale> scales = List.of(new Scale(1000, 3000), new Scale(5000, 10000));
        List<String> schedulers = List.of("kube-scheduler", "berth-scheduler");
        String javaOpts = System.getenv("BERTH_JAVA_OPTS");
        Duration timeout = Duration.ofMinutes(15), stall = Duration.ofMinutes(2);
        Path out = null, md = null;
        boolean keep = false, noMd = false;
        String note = "";
        int repeat = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.length ? args[i + 1] : null);
            boolean consumed = !a.contains("=");
            switch (flag) {
                case "--root" -> root = Path.of(value);
                case "--scales" -> scales = List.of(value.split(",")).stream().map(Scale::parse).toList();
                case "--schedulers" -> schedulers = List.of(value.split(","));
                case "--berth-java-opts" -> javaOpts = value;
                case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value));
                case "--stall" -> stall = Duration.ofSeconds(Long.parseLong(value));
                case "--out" -> out = Path.of(value);
                case "--results-md" -> md = Path.of(value);
                case "--note" -> note = value;
                case "--repeat" -> repeat = Integer.parseInt(value);
                case "--no-results-md" -> { noMd = true; consumed = false; }
                case "--keep" -> { keep = true; consumed = false; }
                default -> throw new IllegalArgumentException("unknown flag " + flag + USAGE);
            }
            if (consumed) {
                if (value == null) {
                    throw new IllegalArgumentException("flag " + flag + " needs a value");
                }
                i++;
            }
        }
        if (root == null) {
            root = Path.of("").toAbsolutePath();
        }
        if (!Files.exists(root.resolve("test/controlplane/controlplane.sh"))) {
            throw new IllegalArgumentException(root + " is not a Berth checkout (no test/controlplane/controlplane.sh); pass --root");
        }
        out = out != null ? out : root.resolve("bench/results/scheduler-side-by-side.json");
        md = noMd ? null : md != null ? md : root.resolve("bench/RESULTS.md");
        return new Options(root, scales, schedulers, javaOpts, timeout, stall, out, md, keep, note, Math.max(1, repeat));
    }

    static final String USAGE = """

            usage: side-by-side-scheduler.sh [--scales 1000x3000,5000x10000] [--schedulers kube-scheduler,berth-scheduler]
                   [--repeat N] [--berth-java-opts OPTS] [--timeout SECONDS] [--stall SECONDS] [--out FILE]
                   [--results-md FILE | --no-results-md] [--note TEXT] [--keep] [--root DIR]""";

    /** {@code controlplane.sh} as a child process. */
    static final class ControlPlane {
        private ControlPlane() {}

        static String run(Path script, String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(script.toString());
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
            }
            return out;
        }
    }
}
