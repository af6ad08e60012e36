package dev.berth.bench.proxy;

import static dev.berth.bench.Stats.percentile;
import static dev.berth.bench.Stats.cpuSeconds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.bench.sidebyside.Api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Side by side, kube-proxy 1.20 (iptables mode) and berth-proxy against one real kube-apiserver + etcd (issue
 * 5). Per scale, Services × 10 endpoints are created through the API (no controller-manager runs), then each
 * proxy gets a fresh network namespace of its own, reaching the API server through a Unix-socket forward, and
 * its own Node object. Measured per proxy: (a) the first full sync, from process start until its namespace's
 * KUBE-SERVICES reaches every Service; (b) endpoint change → new DNAT target in its namespace's nat table;
 * (c) rule counts; (d) whether both route a sample of flows the same way. While one proxy is measured the
 * other is stopped (SIGSTOP), so the two never compete for the CPU; it catches up after SIGCONT. Changes for (b)
 * are made one at a time, each after the previous one is in the kernel and a pause longer than the min sync
 * period, so every sample meets an idle proxy whose rate limiter lets it sync at once.
 * Run through {@code bench/side-by-side-proxy.sh}; never part of the test suite.
 */
public final class ProxySideBySide {
    static final String KUBE_NODE = "pbench-kube-proxy";
    static final String BERTH_NODE = "pbench-berth-proxy";
    static final Map<String, String> NODE_IPS = Map.of("kube-proxy", "10.250.0.1", "berth-proxy", "10.250.0.2");
    static final Map<String, String> NODE_NAMES = Map.of("kube-proxy", KUBE_NODE, "berth-proxy", BERTH_NODE);

    record Options(Path root, Path runDir, List<Integer> scales, int samples, List<Integer> kubeSamplesPerScale,
                   Duration pause, int flowServices, String berthJavaOpts, Duration minSync, Duration sync, Path out,
                   Path resultsMd, String note, boolean berthOnly) {
        /** The run directory's random part, which names this run's namespaces. */
        String runId() {
            return runDir.getFileName().toString().replaceAll("[^A-Za-z0-9]", "").replace("berthpbench", "");
        }

        /** kube-proxy's sample count at scale {@code index}: its syncs take long, so a run may ask for fewer. */
        int kubeSamples(int index) {
            if (kubeSamplesPerScale.isEmpty()) {
                return samples;
            }
            return kubeSamplesPerScale.get(Math.min(index, kubeSamplesPerScale.size() - 1));
        }
    }

    /** One proxy at one scale; times in seconds or milliseconds as named. */
    record ProxyRun(String proxy, int services, double firstSyncSeconds, int firstSyncPolls, double firstSyncPollMillis,
                    List<Double> changeMillis, double changeP50Millis, double changeP95Millis, double changePollMillis,
                    KernelRules.Counts nat, KernelRules.Counts filter, double cpuSeconds, String loadAtStart,
                    List<Double> syncSeconds) {}

    /** (d) at one scale. */
    record Routing(int services, int kubeMatchesApi, int berthMatchesApi, int sameDnatSets, List<String> dnatDifferences,
                   int flowsTraced, int flowsIdentical, List<String> flowDifferences, String tracerError) {}

    record ScaleRun(int services, double createSeconds, List<ProxyRun> proxies, Routing routing) {}

    private ProxySideBySide() {}

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Path script = o.root().resolve("test/controlplane/controlplane.sh");
        Path kubeBin = Path.of(run(script, "bin").strip());
        var berthProxy = new ProxyUnderTest.Berth(o.root().resolve("bin/berth-proxy"), o.berthJavaOpts());
        List<ProxyUnderTest> proxies = o.berthOnly() ? List.of(berthProxy)
                : List.of(new ProxyUnderTest.Kube(kubeBin.resolve("kube-proxy")), berthProxy);
        String hostBefore = HostCheck.fingerprint();
        Path cp = o.runDir().resolve("cp");
        run(script, "start", cp.toString());
        List<ScaleRun> results = new ArrayList<>();
        String hostAfter;
        try {
            Api api = Api.fromKubeconfig(cp.resolve("admin.kubeconfig"));
            int apiPort = Integer.parseInt(Files.readString(cp.resolve("api.port")).strip());
            api.post("/api/v1/namespaces", ServiceObjects.namespace());
            for (String proxy : List.of("kube-proxy", "berth-proxy")) {
                api.post("/api/v1/nodes", ServiceObjects.node(NODE_NAMES.get(proxy), NODE_IPS.get(proxy)));
            }
            int created = 0;
            Map<Integer, List<String>> addresses = new HashMap<>();
            int[] changeCounter = {0};
            for (int n : o.scales()) {
                long t = System.nanoTime();
                createRange(api, created, n);
                double createSeconds = seconds(System.nanoTime() - t);
                System.err.printf("proxy side-by-side: %,d services × %d endpoints in the API (%,d new in %.1f s)%n", n,
                        ServiceObjects.ENDPOINTS, n - created, createSeconds);
                for (int i = created; i < n; i++) {
                    addresses.put(i, new ArrayList<>(ServiceObjects.initialAddresses(i)));
                }
                created = n;
                if (results.isEmpty()) {
                    warmUp(o, apiPort, proxies, n);
                }
                ScaleRun r = measureScale(o, api, apiPort, proxies, n, createSeconds, addresses, changeCounter);
                results.add(r);
                System.out.print(Report.table(List.of(r)));
                // Written after every scale, so a later scale that fails or is cut short keeps the earlier ones.
                write(o, args, results, "not checked yet (run still going)");
            }
        } finally {
            hostAfter = HostCheck.fingerprint();
            run(script, "stop", cp.toString());
        }
        String hostCheck = hostBefore.equals(hostAfter) ? "unchanged"
                : "CHANGED:\n" + HostCheck.diff(hostBefore, hostAfter);
        System.out.println();
        System.out.print(Report.table(results));
        System.out.println(Report.pollCosts(results));
        System.out.println(Report.syncDurations(results));
        System.out.println("host iptables-save (nft and legacy), network namespaces and conntrack sysctls: " + hostCheck);
        write(o, args, results, hostCheck);
        boolean routingOk = results.stream().allMatch(r -> r.routing().sameDnatSets() == r.routing().services()
                && r.routing().flowsIdentical() == r.routing().flowsTraced() && r.routing().tracerError() == null);
        System.exit(routingOk && hostCheck.equals("unchanged") ? 0 : 1);
    }

    private static void write(Options o, String[] args, List<ScaleRun> results, String hostCheck) throws IOException {
        ObjectNode json = Report.json(results, o, String.join(" ", args), hostCheck);
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Api.JSON.writerWithDefaultPrettyPrinter().writeValue(o.out().toFile(), json);
        System.out.println("proxy side-by-side: wrote " + o.out());
        if (o.resultsMd() != null) {
            Report.updateResultsMd(o.resultsMd(), results, o.note(), hostCheck);
            System.out.println("proxy side-by-side: updated " + o.resultsMd());
        }
    }

    /**
     * Runs berth-proxy once, unmeasured, to its first full sync and stops it: its launcher trains the JDK AOT cache
     * on the first run after a build (written at exit), and a node runs the proxy from a trained cache every
     * later start, so (a) is measured against a warm cache as kube-proxy's is against a warm page cache.
     */
    static void warmUp(Options o, int apiPort, List<ProxyUnderTest> proxies, int n) throws Exception {
        var berth = proxies.stream().filter(p -> p instanceof ProxyUnderTest.Berth).findFirst().orElseThrow();
        var settings = new ProxyUnderTest.Settings(ServiceObjects.CLUSTER_CIDR, o.minSync(), o.sync());
        String runId = o.runId();
        try (var ns = NodeNamespace.create("berth-pbench-" + runId + "-warm", o.runDir(), apiPort,
                o.runDir().resolve("pids"))) {
            long t0 = System.nanoTime();
            Process proc = ns.start(berth.command(o.runDir().resolve("cp/admin.kubeconfig"), BERTH_NODE, settings),
                    o.runDir().resolve("berth-proxy-warm-up.log"), berth.environment());
            while (proc.isAlive() && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(5)) {
                var r = ns.exec("iptables", "-w", "-t", "nat", "-S", "KUBE-SERVICES");
                if (r.exit() == 0 && KernelRules.serviceChainsReachable(r.out()) >= n) {
                    break;
                }
                Thread.sleep(200);
            }
            NodeNamespace.stop(proc);
            System.err.printf("proxy side-by-side: berth-proxy warm-up run (launcher cache) done in %.1f s%n",
                    seconds(System.nanoTime() - t0));
        }
    }

    static ScaleRun measureScale(Options o, Api api, int apiPort, List<ProxyUnderTest> proxies, int n, double createSeconds,
                                 Map<Integer, List<String>> addresses, int[] changeCounter) throws Exception {
        Map<String, ServiceInfo> services = serviceInfo(api);
        Map<String, NodeNamespace> nss = new LinkedHashMap<>();
        Map<String, Process> procs = new LinkedHashMap<>();
        Map<String, ProxyRun> partial = new LinkedHashMap<>();
        Path kubeconfig = o.runDir().resolve("cp/admin.kubeconfig");
        var settings = new ProxyUnderTest.Settings(ServiceObjects.CLUSTER_CIDR, o.minSync(), o.sync());
        String runId = o.runId();
        try {
            for (ProxyUnderTest p : proxies) {
                String nsName = "berth-pbench-" + runId + "-" + (p instanceof ProxyUnderTest.Kube ? "kube" : "berth") + "-" + n;
                nss.put(p.name(), NodeNamespace.create(nsName, o.runDir(), apiPort, o.runDir().resolve("pids")));
            }
            // (a) one proxy at a time, the other stopped.
            Map<String, double[]> firstSync = new HashMap<>();
            for (ProxyUnderTest p : proxies) {
                pauseAll(procs, true);
                NodeNamespace ns = nss.get(p.name());
                String load = Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
                long t0 = System.nanoTime();
                Process proc = ns.start(p.command(kubeconfig, NODE_NAMES.get(p.name()), settings),
                        o.runDir().resolve(p.name() + "-" + n + ".log"), p.environment());
                int polls = 0;
                long pollNanos = 0;
                double first;
                while (true) {
                    if (!proc.isAlive()) {
                        throw new IOException(p.name() + " exited with " + proc.exitValue() + "; log: "
                                + o.runDir().resolve(p.name() + "-" + n + ".log"));
                    }
                    var r = ns.exec("iptables", "-w", "-t", "nat", "-S", "KUBE-SERVICES");
                    polls++;
                    pollNanos += r.nanos();
                    if (r.exit() == 0 && KernelRules.serviceChainsReachable(r.out()) >= n) {
                        first = seconds(System.nanoTime() - t0);
                        break;
                    }
                    if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(15)) {
                        throw new IOException(p.name() + ": no full sync of " + n + " services after 15 minutes");
                    }
                    Thread.sleep(100);
                }
                procs.put(p.name(), proc);
                firstSync.put(p.name(), new double[] {first, polls, pollNanos / 1e6 / polls});
                partial.put(p.name(), new ProxyRun(p.name(), n, first, polls, pollNanos / 1e6 / polls, List.of(), 0, 0, 0,
                        null, null, 0, load, List.of()));
                System.err.printf("proxy side-by-side: %s first full sync of %,d services in %.2f s (%d polls of %.1f ms)%n",
                        p.name(), n, first, polls, pollNanos / 1e6 / polls);
                pauseAll(procs, false);
            }
            // Let both settle (kube-proxy's second sync after start, berth's catch-up) before reading the tables.
            Thread.sleep(Math.max(3000, o.minSync().toMillis() * 3));
            // (c) and (d) from the same dumps.
            Map<String, String> natSave = new HashMap<>(), filterSave = new HashMap<>();
            for (var e : nss.entrySet()) {
                natSave.put(e.getKey(), e.getValue().save("nat"));
                filterSave.put(e.getKey(), e.getValue().save("filter"));
            }
            var nodeIPs = NODE_IPS;
            if (!natSave.containsKey("kube-proxy")) {
                natSave.put("kube-proxy", natSave.get("berth-proxy"));
                filterSave.put("kube-proxy", filterSave.get("berth-proxy"));
                nodeIPs = Map.of("kube-proxy", NODE_IPS.get("berth-proxy"), "berth-proxy", NODE_IPS.get("berth-proxy"));
            }
            Routing routing = RoutingCheck.check(services, addresses, n, natSave, filterSave, nodeIPs, o.flowServices());
            System.err.printf("proxy side-by-side: routing: %s%n", routing);
            // (b) one proxy at a time, the other stopped; it catches up on every change afterwards.
            Map<String, List<Double>> changes = new HashMap<>();
            Map<String, long[]> changePolls = new HashMap<>();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, new Random(n));
            int sample = 0;
            for (ProxyUnderTest measured : proxies) {
                int count = measured instanceof ProxyUnderTest.Kube ? o.kubeSamples(o.scales().indexOf(n)) : o.samples();
                Map<String, Process> others = new LinkedHashMap<>(procs);
                others.remove(measured.name());
                pauseAll(others, true);
                // The catch-up sync just before must not hold this phase's first change back (min sync period).
                Thread.sleep(o.pause().toMillis());
                String chain = null, want = null;
                long[] polls = changePolls.computeIfAbsent(measured.name(), k -> new long[2]);
                for (int s = 0; s < count; s++, sample++) {
                    int svc = order.get(sample % n);
                    int j = sample % ServiceObjects.ENDPOINTS;
                    String newIP = ServiceObjects.changedIP(changeCounter[0]++);
                    List<String> addrs = addresses.get(svc);
                    addrs.set(j, newIP);
                    chain = KernelRules.endpointChain(ServiceObjects.servicePortName(svc), "tcp", newIP + ":" + ServiceObjects.TARGET_PORT);
                    want = "--to-destination " + newIP + ":" + ServiceObjects.TARGET_PORT;
                    long t0 = System.nanoTime();
                    api.mergePatch(ServiceObjects.SLICES + "/" + ServiceObjects.sliceName(svc), ServiceObjects.endpointsPatch(svc, addrs));
                    double ms = awaitChain(nss.get(measured.name()), chain, want, t0, polls, 10, Duration.ofMinutes(20)) / 1e6;
                    changes.computeIfAbsent(measured.name(), k -> new ArrayList<>()).add(ms);
                    System.err.printf("proxy side-by-side: %s change %d (svc-%05d endpoint %d → %s): %.1f ms%n", measured.name(),
                            s + 1, svc, j, newIP, ms);
                    Thread.sleep(o.pause().toMillis());
                }
                pauseAll(others, false);
                boolean last = measured == proxies.getLast();
                for (var other : others.keySet()) {
                    // The next phase's proxy must have caught up first, or its first sample would include the backlog.
                    if (chain != null && !last) {
                        awaitChain(nss.get(other), chain, want, System.nanoTime(), new long[2], 200, Duration.ofMinutes(20));
                    }
                }
            }
            List<ProxyRun> runs = new ArrayList<>();
            for (ProxyUnderTest p : proxies) {
                ProxyRun a = partial.get(p.name());
                List<Double> c = changes.get(p.name());
                long[] polls = changePolls.get(p.name());
                runs.add(new ProxyRun(p.name(), n, a.firstSyncSeconds(), a.firstSyncPolls(), a.firstSyncPollMillis(), c,
                        percentile(c, 50), percentile(c, 95), polls[1] / 1e6 / polls[0],
                        KernelRules.counts(natSave.get(p.name())), KernelRules.counts(filterSave.get(p.name())),
                        cpuSeconds(procs.get(p.name()).pid()), a.loadAtStart(),
                        syncSeconds(o.runDir().resolve(p.name() + "-" + n + ".log"))));
            }
            return new ScaleRun(n, createSeconds, runs, routing);
        } finally {
            pauseAll(procs, false);
            for (Process p : procs.values()) {
                NodeNamespace.stop(p);
            }
            for (NodeNamespace ns : nss.values()) {
                try {
                    ns.close();
                } catch (IOException e) {
                    System.err.println("proxy side-by-side: cleaning up " + ns.name + ": " + e.getMessage());
                }
            }
        }
    }

    /** Polls the namespace every {@code sleepMillis} until {@code chain} holds the DNAT rule; nanos since {@code t0}. */
    private static long awaitChain(NodeNamespace ns, String chain, String want, long t0, long[] polls, long sleepMillis,
                                   Duration timeout) throws IOException, InterruptedException {
        while (true) {
            var r = ns.exec("iptables", "-w", "-t", "nat", "-S", chain);
            polls[0]++;
            polls[1] += r.nanos();
            if (r.exit() == 0 && r.out().contains(want)) {
                return System.nanoTime() - t0;
            }
            if (System.nanoTime() - t0 > timeout.toNanos()) {
                throw new IOException(ns.name + ": " + chain + " with '" + want + "' did not appear within " + timeout);
            }
            Thread.sleep(sleepMillis);
        }
    }

    /** SIGSTOP / SIGCONT: a stopped proxy keeps its connections and catches up when continued. */
    private static void pauseAll(Map<String, Process> procs, boolean stop) throws IOException, InterruptedException {
        for (Process p : procs.values()) {
            if (p.isAlive()) {
                NodeNamespace.run(List.of("kill", stop ? "-STOP" : "-CONT", Long.toString(p.pid())));
            }
        }
    }

    /** A Service's cluster IP and NodePort (0 if none), as the API server allocated them. */
    record ServiceInfo(String clusterIP, int nodePort) {}

    private static Map<String, ServiceInfo> serviceInfo(Api api) throws IOException, InterruptedException {
        Map<String, ServiceInfo> out = new HashMap<>();
        for (JsonNode s : api.list(ServiceObjects.SERVICES)) {
            out.put(s.at("/metadata/name").asText(), new ServiceInfo(s.at("/spec/clusterIP").asText(),
                    s.at("/spec/ports/0/nodePort").asInt(0)));
        }
        return out;
    }

    /** Services {@code from..to-1} and their slices, all at once on virtual threads (the Api caps requests in flight). */
    private static void createRange(Api api, int from, int to) throws IOException, InterruptedException {
        try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> futures = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int svc = i;
                futures.add(exec.submit(() -> {
                    api.post(ServiceObjects.SERVICES, ServiceObjects.service(svc));
                    return api.post(ServiceObjects.SLICES, ServiceObjects.slice(svc));
                }));
            }
            for (var f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IOException("creating services: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    private static final java.util.regex.Pattern KUBE_SYNC = java.util.regex.Pattern.compile("syncProxyRules took ([0-9.]+)(ms|s)");
    private static final java.util.regex.Pattern BERTH_SYNC = java.util.regex.Pattern.compile("synced kind=.* durationMs=([0-9]+)");

    /** Every sync's duration as the proxy logged it (kube-proxy at --v=2, berth-proxy at info), in seconds. */
    static List<Double> syncSeconds(Path log) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            var k = KUBE_SYNC.matcher(line);
            var b = BERTH_SYNC.matcher(line);
            if (k.find()) {
                out.add(Double.parseDouble(k.group(1)) / (k.group(2).equals("ms") ? 1000 : 1));
            } else if (b.find()) {
                out.add(Double.parseDouble(b.group(1)) / 1000);
            }
        }
        return out;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static String run(Path script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        return NodeNamespace.run(cmd);
    }

    static Options parse(String[] args) {
        Path root = Path.of("").toAbsolutePath(), runDir = null, out = null, md = null;
        List<Integer> scales = List.of(1000, 5000);
        int samples = 20, flows = 50;
        List<Integer> kubeSamples = List.of();
        Duration pause = Duration.ofSeconds(2), minSync = Duration.ofSeconds(1), sync = Duration.ofSeconds(30);
        String javaOpts = System.getenv("BERTH_JAVA_OPTS"), note = "";
        boolean noMd = false, berthOnly = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.length ? args[i + 1] : null);
            boolean consumed = !a.contains("=");
            switch (flag) {
                case "--root" -> root = Path.of(value);
                case "--run-dir" -> runDir = Path.of(value);
                case "--services" -> scales = List.of(value.split(",")).stream().map(s -> Integer.parseInt(s.strip().replace("_", ""))).toList();
                case "--samples" -> samples = Integer.parseInt(value);
                case "--kube-samples" -> kubeSamples = List.of(value.split(",")).stream().map(v -> Integer.parseInt(v.strip())).toList();
                case "--pause" -> pause = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                case "--flow-services" -> flows = Integer.parseInt(value);
                case "--berth-java-opts" -> javaOpts = value;
                case "--out" -> out = Path.of(value);
                case "--results-md" -> md = Path.of(value);
                case "--note" -> note = value;
                case "--no-results-md" -> { noMd = true; consumed = false; }
                // For a scale kube-proxy cannot sync in useful time: berth-proxy alone, its routing checked against
                // the API only (the traced flows then compare berth-proxy with itself).
                case "--berth-only" -> { berthOnly = true; consumed = false; }
                default -> throw new IllegalArgumentException("unknown flag " + flag + USAGE);
            }
            if (consumed) {
                if (value == null) {
                    throw new IllegalArgumentException("flag " + flag + " needs a value" + USAGE);
                }
                i++;
            }
        }
        if (runDir == null) {
            throw new IllegalArgumentException("--run-dir is required (the launcher script makes and removes it)" + USAGE);
        }
        if (pause.compareTo(minSync) <= 0) {
            throw new IllegalArgumentException("--pause must be longer than the min sync period (" + minSync + ")");
        }
        out = out != null ? out : root.resolve("bench/results/proxy-side-by-side.json");
        md = noMd ? null : md != null ? md : root.resolve("bench/RESULTS.md");
        return new Options(root, runDir, scales, samples, kubeSamples, pause, flows, javaOpts, minSync, sync, out, md, note,
                berthOnly);
    }

    static final String USAGE = """

            usage: side-by-side-proxy.sh [--services 1000,5000] [--samples 20] [--kube-samples N[,N per scale]]
                   [--pause SECONDS] [--flow-services 50] [--berth-only]
                   [--berth-java-opts OPTS] [--out FILE] [--results-md FILE | --no-results-md] [--note TEXT]""";
}
