package dev.berth.bench.sidebyside;

import dev.berth.bench.ResultsMarkdown;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The harness's outputs: console lines and table, the JSON file, and the generated part of RESULTS.md. */
final class Report {
    static final String HEADING = "## Side-by-side scheduling throughput (issue 3)";
    static final String BEGIN = "<!-- side-by-side:begin (written by bench/side-by-side-scheduler.sh; edits between the markers are replaced) -->";
    static final String END = "<!-- side-by-side:end -->";

    private Report() {}

    static String line(SideBySide.Run r) {
        return String.format(Locale.ROOT, "%-15s %,6d nodes %,7d pods: %,8.1f pods/s over %.2f s (first bind after %.2f s, wall %.2f s, "
                        + "cpu %.1f s), bound %d, unbound %d, violations %d",
                r.scheduler(), r.nodes(), r.pods(), r.podsPerSecond(), r.bindSpanSeconds(), r.startupSeconds(), r.wallSeconds(),
                r.schedulerCpuSeconds(), r.bound(), r.unbound(), r.violations());
    }

    /** Markdown: one row per run, then one row per scale with berth/kube. */
    static String table(List<SideBySide.Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append("| scheduler | nodes | pods | pods/s (first → last bind) | bind span s | first bind after s | wall s | scheduler CPU s | bound | violations + unbound |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (var r : runs) {
            b.append(String.format(Locale.ROOT, "| %s | %,d | %,d | **%,.0f** | %.2f | %.2f | %.2f | %.1f | %,d | %d |%n", r.scheduler(),
                    r.nodes(), r.pods(), r.podsPerSecond(), r.bindSpanSeconds(), r.startupSeconds(), r.wallSeconds(),
                    r.schedulerCpuSeconds(), r.bound(), r.violations() + r.unbound()));
        }
        var ratios = ratios(runs);
        if (!ratios.isEmpty()) {
            b.append("\n| nodes / pods | kube-scheduler pods/s (median) | berth-scheduler pods/s (median) | berth / kube |\n| --- | ---: | ---: | ---: |\n");
            ratios.forEach((scale, v) -> b.append(String.format(Locale.ROOT, "| %,d / %,d | %,.0f | %,.0f | **%.2f×** |%n",
                    scale.nodes(), scale.pods(), v[0], v[1], v[1] / v[0])));
        }
        return b.toString();
    }

    /** Per scale with both schedulers: {kube pods/s, berth pods/s}, each the median over repeats. */
    static Map<SideBySide.Scale, double[]> ratios(List<SideBySide.Run> runs) {
        Map<SideBySide.Scale, double[]> m = new LinkedHashMap<>();
        for (var r : runs) {
            var scale = new SideBySide.Scale(r.nodes(), r.pods());
            m.computeIfAbsent(scale, k -> new double[] {median(runs, k, "kube-scheduler"), median(runs, k, "berth-scheduler")});
        }
        m.values().removeIf(v -> Double.isNaN(v[0]) || Double.isNaN(v[1]));
        return m;
    }

    static double median(List<SideBySide.Run> runs, SideBySide.Scale scale, String scheduler) {
        double[] v = runs.stream().filter(r -> r.scheduler().equals(scheduler) && r.nodes() == scale.nodes() && r.pods() == scale.pods())
                .mapToDouble(SideBySide.Run::podsPerSecond).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static ObjectNode json(List<SideBySide.Run> runs, String note, String args) {
        ObjectNode o = Api.JSON.createObjectNode();
        o.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        o.put("command", "bench/side-by-side-scheduler.sh " + args);
        o.put("cores", Runtime.getRuntime().availableProcessors());
        o.put("java", System.getProperty("java.vm.version"));
        o.put("note", note);
        o.set("runs", Api.JSON.valueToTree(runs));
        ArrayNode ratios = o.putArray("ratios");
        ratios(runs).forEach((s, v) -> ratios.addObject().put("nodes", s.nodes()).put("pods", s.pods())
                .put("kubeSchedulerPodsPerSecond", v[0]).put("berthSchedulerPodsPerSecond", v[1]).put("berthOverKube", v[1] / v[0]));
        return o;
    }

    /** Replaces the generated block of the section (adding the section if missing); prose around it stays. */
    static void updateResultsMd(Path md, List<SideBySide.Run> runs, String note) throws IOException {
        StringBuilder block = new StringBuilder(BEGIN).append('\n');
        block.append("Last run ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(", load average at each scheduler's start: ");
        block.append(String.join("; ", runs.stream().map(r -> r.scheduler() + " " + r.nodes() + ": "
                + r.loadAverageAtStart().split(" ")[0]).toList())).append(".");
        if (!note.isBlank()) {
            block.append(' ').append(note.strip());
        }
        block.append("\n\n").append(table(runs)).append(END);
        ResultsMarkdown.replaceBlock(md, HEADING, BEGIN, END, block.toString(), "bench/side-by-side-scheduler.sh");
    }
}
