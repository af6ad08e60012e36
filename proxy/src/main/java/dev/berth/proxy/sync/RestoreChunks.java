package dev.berth.proxy.sync;

import dev.berth.proxy.rules.ChainNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a full sync's restore input into several inputs that, applied in order, leave the same tables and never
 * let a packet reach a chain that is not yet complete: first the nat chains that jump to no per-service chain,
 * then the KUBE-SEP chains, the KUBE-SVC/SVL chains, the KUBE-EXT chains and the KUBE-FW chains, each in batches,
 * and last the dispatch chains (KUBE-SERVICES, KUBE-NODEPORTS), the stale chains' deletions and every other table.
 * Until the last input lands, the old dispatch rules keep sending packets to the old (still present) chains.
 *
 * <p>Why: with the nf_tables backend one {@code iptables-restore} costs far more than linearly in the chains it
 * creates (bench/RESULTS.md: about 7.8 s for 1,000 Services × 10 endpoints in one restore, 3.5 s in batches of
 * 1,000 chains), so a first sync of a large cluster is written in batches; partial syncs stay one restore.
 */
final class RestoreChunks {
    private static final String NAT = "*nat";

    private RestoreChunks() {
    }

    /**
     * The inputs to apply in order; the input itself, alone, when it creates no more than {@code chainsPerBatch}
     * per-service chains or has no nat section.
     */
    static List<String> split(String input, int chainsPerBatch) {
        var sections = sections(input);
        var nat = sections.remove(NAT);
        if (nat == null) {
            return List.of(input);
        }
        var declarations = new LinkedHashMap<String, String>();
        var rules = new LinkedHashMap<String, List<String>>();
        var deletions = new ArrayList<String>();
        for (var line : nat) {
            if (line.startsWith(":")) {
                int space = line.indexOf(' ');
                var chain = space < 0 ? line.substring(1) : line.substring(1, space);
                declarations.put(chain, line);
                rules.computeIfAbsent(chain, c -> new ArrayList<>());
            } else if (line.startsWith("-A ")) {
                int space = line.indexOf(' ', 3);
                rules.computeIfAbsent(line.substring(3, space < 0 ? line.length() : space), c -> new ArrayList<>())
                        .add(line);
            } else if (line.startsWith("-X ")) {
                deletions.add(line);
            } else if (!line.isBlank() && !line.equals("COMMIT")) {
                // Anything this class does not know how to order keeps the input whole.
                return List.of(input);
            }
        }
        var stale = deletions.stream().map(l -> l.substring(3).strip()).toList();
        var stages = new ArrayList<List<String>>();
        for (int i = 0; i < 6; i++) {
            stages.add(new ArrayList<>());
        }
        long serviceChains = 0;
        for (var chain : rules.keySet()) {
            int stage = stale.contains(chain) ? 5 : stage(chain, rules.get(chain));
            stages.get(stage).add(chain);
            if (stage >= 1 && stage <= 4) {
                serviceChains++;
            }
        }
        if (serviceChains <= chainsPerBatch) {
            return List.of(input);
        }
        var out = new ArrayList<String>();
        for (int stage = 0; stage < 5; stage++) {
            var chains = stages.get(stage);
            for (int from = 0; from < chains.size(); from += chainsPerBatch) {
                out.add(natInput(chains.subList(from, Math.min(chains.size(), from + chainsPerBatch)), declarations,
                        rules, List.of()));
            }
        }
        var last = new StringBuilder();
        sections.forEach((header, lines) -> {
            last.append(header).append('\n');
            lines.forEach(l -> last.append(l).append('\n'));
            last.append("COMMIT\n");
        });
        last.append(natInput(stages.get(5), declarations, rules, deletions));
        out.add(last.toString());
        return out;
    }

    /** 0: jumps to no per-service chain; 1 SEP; 2 SVC/SVL; 3 EXT; 4 FW; 5: dispatches to per-service chains. */
    private static int stage(String chain, List<String> rules) {
        if (chain.startsWith(ChainNames.SEP_PREFIX)) {
            return 1;
        }
        if (chain.startsWith(ChainNames.SVC_PREFIX) || chain.startsWith(ChainNames.SVL_PREFIX)) {
            return 2;
        }
        if (chain.startsWith(ChainNames.EXT_PREFIX)) {
            return 3;
        }
        if (chain.startsWith(ChainNames.FW_PREFIX)) {
            return 4;
        }
        for (var rule : rules) {
            int jump = Math.max(rule.lastIndexOf(" -j "), rule.lastIndexOf(" -g "));
            if (jump >= 0 && ChainNames.isServiceChain(rule.substring(jump + 4).strip().split(" ")[0])) {
                return 5;
            }
        }
        return 0;
    }

    private static String natInput(List<String> chains, Map<String, String> declarations,
                                   Map<String, List<String>> rules, List<String> deletions) {
        var sb = new StringBuilder(NAT).append('\n');
        for (var chain : chains) {
            var declaration = declarations.get(chain);
            if (declaration != null) {
                sb.append(declaration).append('\n');
            }
        }
        for (var chain : chains) {
            rules.get(chain).forEach(r -> sb.append(r).append('\n'));
        }
        deletions.forEach(d -> sb.append(d).append('\n'));
        return sb.append("COMMIT\n").toString();
    }

    /** Table header ({@code *nat}) to its lines up to its COMMIT, in input order. */
    private static Map<String, List<String>> sections(String input) {
        var out = new LinkedHashMap<String, List<String>>();
        List<String> current = null;
        for (var line : input.split("\n")) {
            if (line.startsWith("*")) {
                current = new ArrayList<>();
                out.put(line.strip(), current);
            } else if (line.equals("COMMIT")) {
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return out;
    }
}
