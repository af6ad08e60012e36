package dev.berth.bench.nativecalls;

import static dev.berth.bench.Stats.percentile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Start-up cost per technology: wall time of a fresh JVM running {@link FirstCall}, repeated, with a
 * JVM that does nothing ("none") as the baseline. Runs interleave the technologies so drift hits all alike.
 *
 * <p>With {@code --aot}, each technology first gets a JDK AOT cache from a training run of its own, and the
 * timed runs use it, as an installed CNI plugin does; JNA then loads its native library from a directory
 * unpacked once, as an installer would lay it out, instead of unpacking it on every start.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.berth.bench.nativecalls.StartupHarness [runs] [--aot]</pre>
 */
public final class StartupHarness {
    private StartupHarness() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 30;
        boolean aot = List.of(args).contains("--aot");
        var work = Files.createTempDirectory("berth-startup-");
        try {
            measure(runs, aot, work);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void measure(int runs, boolean aot, Path work) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> techs = List.of("none", "ffm", "jna", "jnr");
        var jnaLib = work.resolve("jna");
        Files.createDirectories(jnaLib);
        try (var in = StartupHarness.class.getResourceAsStream("/com/sun/jna/linux-x86-64/libjnidispatch.so")) {
            if (in != null) {
                Files.copy(in, jnaLib.resolve("libjnidispatch.so"));
            }
        }
        List<List<String>> options = new ArrayList<>();
        for (var tech : techs) {
            var opts = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
            if (!aot) {
                opts.add("-Xshare:auto");
            } else {
                opts.add("-Djna.boot.library.path=" + jnaLib);
                opts.add("-Djna.nounpack=true");
                var cache = work.resolve(tech + ".aot").toString();
                var train = new ArrayList<>(List.of(java));
                train.addAll(opts);
                train.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:disable", "-cp", cp,
                        FirstCall.class.getName(), tech));
                if (new ProcessBuilder(train).inheritIO().start().waitFor() != 0) {
                    throw new IllegalStateException(tech + " training failed");
                }
                opts.add("-XX:AOTCache=" + cache);
            }
            options.add(opts);
        }
        List<List<Double>> times = new ArrayList<>();
        techs.forEach(t -> times.add(new ArrayList<>()));
        for (int r = 0; r < runs + 2; r++) {
            for (int t = 0; t < techs.size(); t++) {
                long start = System.nanoTime();
                var command = new ArrayList<>(List.of(java));
                command.addAll(options.get(t));
                command.addAll(List.of("-cp", cp, FirstCall.class.getName(), techs.get(t)));
                Process p = new ProcessBuilder(command).inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(techs.get(t) + " failed");
                }
                if (r >= 2) { // the first two rounds warm the page cache
                    times.get(t).add((System.nanoTime() - start) / 1e6);
                }
            }
        }
        System.out.printf("%-6s %8s %8s %8s%n", "tech", "p50 ms", "p95 ms", "+ over none (p50)");
        double base = percentile(times.get(0), 50);
        for (int t = 0; t < techs.size(); t++) {
            double p50 = percentile(times.get(t), 50);
            System.out.printf(Locale.ROOT, "%-6s %8.1f %8.1f %8.1f%n", techs.get(t), p50, percentile(times.get(t), 95), p50 - base);
        }
    }
}
