package dev.berth.bench.cni;

import static dev.berth.bench.Stats.percentile;

import dev.berth.bench.ResultsMarkdown;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Side-by-side ADD and DEL latency of the reference {@code bridge} + {@code host-local} and of the
 * installed {@code berth-bridge} (with its in-process host-local): as installed (AOT cache, C1), without the
 * AOT cache, and with the interpreter alone.
 *
 * <p>Every call is a fresh process, exactly as a runtime makes it: {@code ip netns exec <scratch host>
 * <plugin>} with only {@code CNI_*} in the environment and the configuration on stdin, so the machine's own
 * network is never touched. Each container namespace is created before and deleted after its ADD/DEL pair,
 * outside the timing. The implementations take turns within every round, in a rotating order, so a burst
 * of load on the shared machine hits all of them alike. The same configuration shape for each (bridge,
 * gateway, host-local on a subnet of its own, data in a temp dir); bridges and subnets differ.
 *
 * <p>Then a profile of berth: phase timings ({@code BERTH_CNI_TRACE}) over a few calls, and one ADD with
 * class-load and start-up logging (which classes came from the AOT cache, which were generated at run time).
 *
 * <pre>CniSideBySide --root DIR --berth-bin DIR [--reference-dir /usr/lib/cni] [--runs 50] [--profile-runs 10]
 *               [--json FILE] [--md FILE | --no-results-md] [--note TEXT]</pre>
 */
public final class CniSideBySide {
    static final String HEADING = "## Side-by-side CNI plugin latency (issue 4)";
    static final String BEGIN = "<!-- cni-side-by-side:begin (written by bench/side-by-side-cni.sh; edits between the markers are replaced) -->";
    static final String END = "<!-- cni-side-by-side:end -->";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern PHASE = Pattern.compile("([a-z+-]+)=([0-9.]+)ms");

    /** One implementation under test: how to call it and which network it owns. */
    record Implementation(String name, Path executable, String type, String cniPath, String bridge, String subnet,
            Map<String, String> extraEnv) {}

    /** One timed call. */
    record Sample(String implementation, String command, int round, double millis) {}

    private final Path dataRoot;
    private final String ip;
    private final String hostNs;
    private final List<String> podNamespaces = new ArrayList<>();

    private CniSideBySide(Path dataRoot, String ip, String hostNs) {
        this.dataRoot = dataRoot;
        this.ip = ip;
        this.hostNs = hostNs;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        Path berthBin = null;
        Path referenceDir = Path.of("/usr/lib/cni");
        int runs = 50;
        int profileRuns = 10;
        Path json = null;
        Path md = null;
        boolean noMd = false;
        String note = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--berth-bin" -> berthBin = Path.of(args[++i]);
                case "--reference-dir" -> referenceDir = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--profile-runs" -> profileRuns = Integer.parseInt(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--md" -> md = Path.of(args[++i]);
                case "--no-results-md" -> noMd = true;
                case "--note" -> note = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (berthBin == null) {
            throw new IllegalArgumentException("--berth-bin DIR (an installed berth-cni bin dir) is required");
        }
        json = json != null ? json : root.resolve("bench/results/cni-side-by-side.json");
        md = noMd ? null : md != null ? md : root.resolve("bench/RESULTS.md");

        var ip = Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new IllegalStateException("iproute2's ip is not installed"));
        var prefix = "berth-cnibench-" + UUID.randomUUID().toString().substring(0, 6);
        var dataRoot = Files.createTempDirectory("berth-cni-bench");
        var bench = new CniSideBySide(dataRoot, ip, prefix + "-host");
        var implementations = List.of(
                new Implementation("reference bridge+host-local", referenceDir.resolve("bridge"), "bridge", referenceDir.toString(),
                        "bbref0", "10.201.0.0/16", Map.of()),
                new Implementation("berth-bridge (AOT cache)", berthBin.resolve("berth-bridge"), "berth-bridge", berthBin.toString(),
                        "bbaot0", "10.202.0.0/16", Map.of()),
                new Implementation("berth-bridge (no AOT cache)", berthBin.resolve("berth-bridge"), "berth-bridge", berthBin.toString(),
                        "bbnoaot0", "10.203.0.0/16", Map.of("BERTH_CNI_JAVA_OPTS", "-XX:AOTMode=off")),
                new Implementation("berth-bridge (AOT cache, -Xint)", berthBin.resolve("berth-bridge"), "berth-bridge",
                        berthBin.toString(), "bbint0", "10.204.0.0/16", Map.of("BERTH_CNI_JAVA_OPTS", "-Xint")));
        var hook = new Thread(bench::cleanUp);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            bench.exec(ip, "netns", "add", bench.hostNs);
            bench.exec(ip, "-n", bench.hostNs, "link", "set", "lo", "up");
            var loadBefore = loadAverage();
            var samples = bench.measure(implementations, runs);
            var launcher = bench.launcherOverhead(runs);
            var profile = bench.profile(implementations.get(1), profileRuns);
            var loadAfter = loadAverage();
            var summary = summarize(implementations, samples, launcher);
            var text = report(summary, launcher, profile, runs, loadBefore, loadAfter, note);
            System.out.println(text);
            writeJson(json, summary, samples, launcher, profile, runs, loadBefore, loadAfter, note);
            if (md != null) {
                updateResultsMd(md, text);
            }
        } finally {
            bench.cleanUp();
            Runtime.getRuntime().removeShutdownHook(hook);
            try (var files = Files.walk(dataRoot)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String config(Implementation impl) {
        return """
                {"cniVersion":"1.0.0","name":"%s","type":"%s","bridge":"%s","isGateway":true,
                 "ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"}}"""
                .formatted(impl.bridge() + "-net", impl.type(), impl.bridge(), impl.subnet(), dataRoot.resolve(impl.bridge()));
    }

    /** The timed rounds, after one untimed warm-up round. */
    private List<Sample> measure(List<Implementation> implementations, int runs) {
        var samples = new ArrayList<Sample>();
        for (int round = -1; round < runs; round++) {
            for (int k = 0; k < implementations.size(); k++) {
                var impl = implementations.get(Math.floorMod(round + k, implementations.size()));
                var pod = hostNs.replace("-host", "-pod-" + (round + 1) + "-" + impl.bridge());
                exec(ip, "netns", "add", pod);
                podNamespaces.add(pod);
                var env = env(impl, "ADD", "bench-" + (round + 1), pod);
                double add = call(impl, env, config(impl));
                env.put("CNI_COMMAND", "DEL");
                double del = call(impl, env, config(impl));
                exec(ip, "netns", "del", pod);
                podNamespaces.remove(pod);
                if (round >= 0) {
                    samples.add(new Sample(impl.name(), "ADD", round, add));
                    samples.add(new Sample(impl.name(), "DEL", round, del));
                }
            }
            if ((round + 1) % 10 == 0) {
                System.err.printf(Locale.ROOT, "cni side-by-side: %d/%d rounds%n", round + 1, runs);
            }
        }
        return samples;
    }

    private Map<String, String> env(Implementation impl, String command, String containerId, String pod) {
        var env = new TreeMap<String, String>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", "/var/run/netns/" + pod);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", impl.cniPath());
        env.putAll(impl.extraEnv());
        return env;
    }

    /** One plugin call in the scratch host namespace; its wall time in ms. Fails the run on a plugin error. */
    private double call(Implementation impl, Map<String, String> env, String config) {
        var outcome = run(List.of(ip, "netns", "exec", hostNs, impl.executable().toString()), env, config);
        if (outcome.exit() != 0) {
            throw new IllegalStateException(impl.name() + " " + env.get("CNI_COMMAND") + " failed: " + outcome.stdout() + outcome.stderr());
        }
        return outcome.millis();
    }

    record Outcome(int exit, String stdout, String stderr, double millis) {}

    private static Outcome run(List<String> command, Map<String, String> env, String stdin) {
        var builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            long start = System.nanoTime();
            var process = builder.start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
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
            double millis = (System.nanoTime() - start) / 1e6;
            errReader.join();
            return new Outcome(exit, out, err.toString(), millis);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void exec(String... command) {
        var outcome = run(List.of(command), Map.of(), "");
        if (outcome.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + outcome.exit() + ": " + outcome.stderr());
        }
    }

    /** What every call pays before any plugin runs: {@code ip netns exec} of a no-op. */
    private List<Double> launcherOverhead(int runs) {
        var times = new ArrayList<Double>();
        for (int i = 0; i < runs; i++) {
            times.add(run(List.of(ip, "netns", "exec", hostNs, "/bin/true"), Map.of(), "").millis());
        }
        return times;
    }

    /** Where berth's time goes. */
    record Profile(int calls, Map<String, Double> addPhases, Map<String, Double> delPhases, Map<String, Integer> classes,
            double createVmMillis, double generatedSpanMillis, String command) {}

    private Profile profile(Implementation berth, int calls) throws IOException {
        var add = new LinkedHashMap<String, List<Double>>();
        var del = new LinkedHashMap<String, List<Double>>();
        for (int i = 0; i < calls; i++) {
            var pod = hostNs.replace("-host", "-prof-" + i);
            exec(ip, "netns", "add", pod);
            podNamespaces.add(pod);
            var env = env(berth, "ADD", "prof-" + i, pod);
            env.put("BERTH_CNI_TRACE", "1");
            collectPhases(runTraced(berth, env), add);
            env.put("CNI_COMMAND", "DEL");
            collectPhases(runTraced(berth, env), del);
            exec(ip, "netns", "del", pod);
            podNamespaces.remove(pod);
        }
        // One ADD with the JVM's own logs: class sources and VM creation.
        var pod = hostNs.replace("-host", "-prof-log");
        exec(ip, "netns", "add", pod);
        podNamespaces.add(pod);
        var classLog = dataRoot.resolve("class-load.log");
        var startLog = dataRoot.resolve("startuptime.log");
        var env = env(berth, "ADD", "prof-log", pod);
        var opts = "-Xlog:class+load=info:file=" + classLog + ":uptime -Xlog:startuptime=info:file=" + startLog;
        env.put("BERTH_CNI_JAVA_OPTS", opts);
        runTraced(berth, env);
        env.put("CNI_COMMAND", "DEL");
        env.remove("BERTH_CNI_JAVA_OPTS");
        runTraced(berth, env);
        exec(ip, "netns", "del", pod);
        podNamespaces.remove(pod);

        var classes = new LinkedHashMap<String, Integer>();
        double first = Double.MAX_VALUE;
        double last = 0;
        for (var line : Files.readAllLines(classLog)) {
            String kind;
            if (line.contains("source: shared objects file")) {
                kind = "from the AOT cache";
            } else if (line.contains("__JVM_LookupDefineClass__") || line.contains("$$") || line.contains("/0x")) {
                kind = "generated at run time (method handles, FFM stubs)";
                var uptime = Double.parseDouble(line.substring(1, line.indexOf("s]")));
                first = Math.min(first, uptime);
                last = Math.max(last, uptime);
            } else if (line.contains("source: jrt:/")) {
                kind = "from the runtime image";
            } else {
                kind = "from the jars";
            }
            classes.merge(kind, 1, Integer::sum);
            classes.merge("total", 1, Integer::sum);
        }
        double createVm = Files.readAllLines(startLog).stream().filter(l -> l.contains("Create VM"))
                .map(l -> Double.parseDouble(l.replaceAll(".*Create VM, ([0-9.]+) secs.*", "$1")) * 1000).findFirst().orElse(Double.NaN);
        return new Profile(calls, medians(add), medians(del), classes, createVm, last > first ? (last - first) * 1000 : 0,
                "BERTH_CNI_TRACE=1 and BERTH_CNI_JAVA_OPTS='" + opts.replace(dataRoot.toString(), "$TMP") + "'");
    }

    private String runTraced(Implementation impl, Map<String, String> env) {
        var outcome = run(List.of(ip, "netns", "exec", hostNs, impl.executable().toString()), env, config(impl));
        if (outcome.exit() != 0) {
            throw new IllegalStateException(impl.name() + " traced " + env.get("CNI_COMMAND") + " failed: " + outcome.stdout());
        }
        return outcome.stderr();
    }

    private static void collectPhases(String stderr, Map<String, List<Double>> phases) {
        for (var line : stderr.split("\n")) {
            if (line.startsWith("berth-cni trace:")) {
                var m = PHASE.matcher(line);
                while (m.find()) {
                    phases.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(2)));
                }
            }
        }
    }

    private static Map<String, Double> medians(Map<String, List<Double>> values) {
        var result = new LinkedHashMap<String, Double>();
        values.forEach((k, v) -> result.put(k, percentile(v, 50)));
        return result;
    }

    /** p50/p95 per implementation and command: name → {ADD p50, ADD p95, DEL p50, DEL p95}. */
    static Map<String, double[]> summarize(List<Implementation> implementations, List<Sample> samples, List<Double> launcher) {
        var summary = new LinkedHashMap<String, double[]>();
        for (var impl : implementations) {
            var add = samples.stream().filter(s -> s.implementation().equals(impl.name()) && s.command().equals("ADD")).map(Sample::millis).toList();
            var del = samples.stream().filter(s -> s.implementation().equals(impl.name()) && s.command().equals("DEL")).map(Sample::millis).toList();
            summary.put(impl.name(), new double[] {percentile(add, 50), percentile(add, 95), percentile(del, 50), percentile(del, 95)});
        }
        return summary;
    }

    static String report(Map<String, double[]> summary, List<Double> launcher, Profile profile, int runs, String loadBefore,
            String loadAfter, String note) {
        var b = new StringBuilder();
        b.append("Last run ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(", ").append(runs).append(" ADD and ").append(runs).append(" DEL per implementation, alternating; load average ")
                .append(loadBefore).append(" before, ").append(loadAfter).append(" after (2 cores).");
        if (!note.isBlank()) {
            b.append(' ').append(note.strip());
        }
        double base = percentile(launcher, 50);
        b.append("\n\n| implementation | ADD p50 ms | ADD p95 ms | DEL p50 ms | DEL p95 ms | ADD p50 / reference | DEL p50 / reference |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        var reference = summary.values().iterator().next();
        summary.forEach((name, v) -> b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | **%.1f×** | %.1f× |%n",
                name, v[0], v[1], v[2], v[3], v[0] / reference[0], v[2] / reference[2])));
        b.append(String.format(Locale.ROOT, "%nEvery figure includes `ip netns exec` into the scratch host namespace: p50 %.1f ms, p95 %.1f ms "
                + "for `/bin/true`. Without it, ADD p50 ratios are:", base, percentile(launcher, 95)));
        summary.forEach((name, v) -> b.append(String.format(Locale.ROOT, " %s %.1f×;", name, (v[0] - base) / (reference[0] - base))));
        b.setLength(b.length() - 1);
        b.append(".\n\nProfile of berth-bridge (AOT cache), median of ").append(profile.calls()).append(" calls each (")
                .append(profile.command()).append("):\n\n| phase | ADD ms | DEL ms |\n| --- | ---: | ---: |\n");
        var names = new ArrayList<>(profile.addPhases().keySet());
        profile.delPhases().keySet().stream().filter(k -> !names.contains(k)).forEach(names::add);
        for (var name : names) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", name, fmt(profile.addPhases().get(name)),
                    fmt(profile.delPhases().get(name))));
        }
        b.append(String.format(Locale.ROOT, "%nOne ADD with the JVM's logs: VM created in %.1f ms (`-Xlog:startuptime` \"Create VM\"); classes ",
                profile.createVmMillis()));
        b.append(String.join(", ", profile.classes().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
        b.append(String.format(Locale.ROOT, "; the run-time generated classes span %.1f ms of the call.", profile.generatedSpanMillis()));
        return b.toString();
    }

    private static String fmt(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void writeJson(Path file, Map<String, double[]> summary, List<Sample> samples, List<Double> launcher, Profile profile,
            int runs, String loadBefore, String loadAfter, String note) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("date", ZonedDateTime.now().toString()).put("runs", runs).put("loadBefore", loadBefore).put("loadAfter", loadAfter)
                .put("note", note);
        var summaryNode = root.putObject("summary");
        summary.forEach((name, v) -> summaryNode.putObject(name).put("addP50Ms", v[0]).put("addP95Ms", v[1]).put("delP50Ms", v[2])
                .put("delP95Ms", v[3]));
        var launcherNode = root.putArray("ipNetnsExecTrueMs");
        launcher.forEach(launcherNode::add);
        root.set("profile", JSON.valueToTree(profile));
        root.set("samples", JSON.valueToTree(samples));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    static void updateResultsMd(Path md, String body) throws IOException {
        ResultsMarkdown.replaceBlock(md, HEADING, BEGIN, END, BEGIN + "\n" + body + "\n" + END,
                "bench/side-by-side-cni.sh");
    }

    private static String loadAverage() {
        try {
            var fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + "/" + fields[1] + "/" + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private void cleanUp() {
        for (var pod : List.copyOf(podNamespaces)) {
            run(List.of(ip, "netns", "del", pod), Map.of(), "");
            podNamespaces.remove(pod);
        }
        run(List.of(ip, "netns", "del", hostNs), Map.of(), "");
    }
}
