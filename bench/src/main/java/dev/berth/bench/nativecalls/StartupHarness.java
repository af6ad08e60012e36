package dev.berth.bench.nativecalls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Start-up cost per technology: wall time of a fresh JVM running {@link FirstCall}, repeated, with a
 * JVM that does nothing ("none") as the baseline. Runs interleave the technologies so drift hits all alike.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.berth.bench.nativecalls.StartupHarness [runs]</pre>
 */
public final class StartupHarness {
    private StartupHarness() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> techs = List.of("none", "ffm", "jna", "jnr");
        List<List<Double>> times = new ArrayList<>();
        techs.forEach(t -> times.add(new ArrayList<>()));
        for (int r = 0; r < runs + 2; r++) {
            for (int t = 0; t < techs.size(); t++) {
                long start = System.nanoTime();
                Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-cp", cp,
                        FirstCall.class.getName(), techs.get(t)).inheritIO().start();
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

    static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }
}
