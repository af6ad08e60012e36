package dev.berth.bench.proxy;

import dev.berth.bench.ResultsMarkdown;
import dev.berth.bench.Stats;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.bench.sidebyside.Api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The proxy harness's outputs: the markdown tables, the JSON file and the generated block of RESULTS.md. */
final class Report {
    static final String HEADING = "## Side-by-side service proxy (issue 5)";
    static final String BEGIN = "<!-- proxy-side-by-side:begin (written by bench/side-by-side-proxy.sh; edits between the markers are replaced) -->";
    static final String END = "<!-- proxy-side-by-side:end -->";

    private Report() {}

    static String table(List<ProxySideBySide.ScaleRun> runs) {
        StringBuilder b = new StringBuilder();
        b.append("| services × 10 endpoints | proxy | (a) first full sync s | (b) change → kernel p50 ms | p95 ms | samples "
                + "| (c) nat rules | nat chains | filter rules | filter chains | proxy CPU s | load at start |\n");
        b.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (var s : runs) {
            for (var r : s.proxies()) {
                b.append(String.format(Locale.ROOT, "| %,d | %s | **%.2f** | **%.0f** | %.0f | %d | %,d | %,d | %,d | %,d | %.1f | %s |%n",
                        r.services(), r.proxy(), r.firstSyncSeconds(), r.changeP50Millis(), r.changeP95Millis(),
                        r.changeMillis().size(), r.nat().rules(), r.nat().chains(), r.filter().rules(), r.filter().chains(),
                        r.cpuSeconds(), r.loadAtStart()));
            }
        }
        b.append("\n| services | (a) kube / berth | (b) p50 kube / berth | (b) p95 kube / berth | (d) same DNAT sets (both = API) "
                + "| (d) traced flows identical |\n| ---: | ---: | ---: | ---: | --- | --- |\n");
        for (var s : runs) {
            var k = s.proxies().stream().filter(r -> r.proxy().equals("kube-proxy")).findFirst().orElse(null);
            if (k == null) {
                continue;
            }
            var br = s.proxies().stream().filter(r -> r.proxy().equals("berth-proxy")).findFirst().orElseThrow();
            var d = s.routing();
            b.append(String.format(Locale.ROOT, "| %,d | **%.2f×** | **%.1f×** | %.1f× | %,d / %,d (kube = API %,d, berth = API %,d) | %s |%n",
                    s.services(), k.firstSyncSeconds() / br.firstSyncSeconds(), k.changeP50Millis() / br.changeP50Millis(),
                    k.changeP95Millis() / br.changeP95Millis(), d.sameDnatSets(), d.services(), d.kubeMatchesApi(),
                    d.berthMatchesApi(), d.tracerError() != null ? "tracer failed: " + d.tracerError()
                            : String.format(Locale.ROOT, "%d / %d", d.flowsIdentical(), d.flowsTraced())));
        }
        return b.toString();
    }

    /** Each proxy's own sync durations from its log: the first (full) one and the median of the rest. */
    static String syncDurations(List<ProxySideBySide.ScaleRun> runs) {
        List<String> parts = new java.util.ArrayList<>();
        for (var s : runs) {
            for (var r : s.proxies()) {
                var d = r.syncSeconds();
                if (d.isEmpty()) {
                    continue;
                }
                parts.add(String.format(Locale.ROOT, "%s %,d: first %.2f s, then median %.2f s over %d syncs", r.proxy(),
                        r.services(), d.getFirst(), Stats.percentile(d.subList(1, d.size()), 50), d.size() - 1));
            }
        }
        return "Sync durations as each proxy logs them (kube-proxy `syncProxyRules took`, berth-proxy `durationMs`): "
                + String.join("; ", parts) + ".";
    }

    /** Poll costs, so a reader knows the resolution of (a) and (b). */
    static String pollCosts(List<ProxySideBySide.ScaleRun> runs) {
        StringBuilder b = new StringBuilder("Poll cost (mean wall time of one `iptables -t nat -S CHAIN` in the namespace): ");
        List<String> parts = new java.util.ArrayList<>();
        for (var s : runs) {
            for (var r : s.proxies()) {
                parts.add(String.format(Locale.ROOT, "%s %,d: (a) %.1f ms every 100 ms, (b) %.1f ms every 10 ms", r.proxy(),
                        r.services(), r.firstSyncPollMillis(), r.changePollMillis()));
            }
        }
        return b.append(String.join("; ", parts)).append(".").toString();
    }

    static ObjectNode json(List<ProxySideBySide.ScaleRun> runs, ProxySideBySide.Options o, String args, String hostCheck) {
        ObjectNode j = Api.JSON.createObjectNode();
        j.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        j.put("command", "bench/side-by-side-proxy.sh " + args.replaceAll("--root \\S+ --run-dir \\S+ ?", ""));
        j.put("cores", Runtime.getRuntime().availableProcessors());
        j.put("java", System.getProperty("java.vm.version"));
        j.put("minSyncPeriod", o.minSync().toString()).put("syncPeriod", o.sync().toString()).put("pause", o.pause().toString());
        j.put("note", o.note());
        j.put("hostCheck", hostCheck);
        j.set("runs", Api.JSON.valueToTree(runs));
        return j;
    }

    static void updateResultsMd(Path md, List<ProxySideBySide.ScaleRun> runs, String note, String hostCheck) throws IOException {
        StringBuilder block = new StringBuilder(BEGIN).append('\n');
        block.append("Last run ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))).append('.');
        if (!note.isBlank()) {
            block.append(' ').append(note.strip());
        }
        block.append("\n\n").append(table(runs)).append('\n').append(pollCosts(runs)).append('\n')
                .append('\n').append(syncDurations(runs)).append('\n');
        block.append("\nHost `iptables-save` (nft and legacy), the harness's network namespaces and the conntrack sysctls after the run: ")
                .append(hostCheck.equals("unchanged") ? "**unchanged**." : hostCheck.startsWith("not checked")
                        ? "not checked yet (the run was cut short)." : "**changed** (see the JSON).").append('\n');
        block.append(END);
        ResultsMarkdown.replaceBlock(md, HEADING, BEGIN, END, block.toString(), "bench/side-by-side-proxy.sh");
    }
}
