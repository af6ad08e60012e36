package dev.berth.proxy.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tables and chains parsed from iptables-save output or iptables-restore input. Applying several inputs in
 * turn behaves like {@code iptables-restore --noflush}: declaring a chain creates or flushes it, other chains
 * keep their rules.
 */
public final class IptablesDump {
    private static final Set<String> BUILTIN_TARGETS =
            Set.of("ACCEPT", "DROP", "REJECT", "RETURN", "DNAT", "SNAT", "MASQUERADE", "MARK");

    private final Map<String, Map<String, List<IptablesRule>>> tables = new LinkedHashMap<>();

    public static IptablesDump parse(String text) {
        var dump = new IptablesDump();
        dump.apply(text);
        return dump;
    }

    /** Applies restore input on top of what is here. */
    public void apply(String text) {
        Map<String, List<IptablesRule>> table = null;
        int lineNo = 0;
        for (var line : text.split("\n")) {
            lineNo++;
            line = line.strip();
            try {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("*")) {
                    table = tables.computeIfAbsent(line.substring(1), k -> new LinkedHashMap<>());
                } else if (line.equals("COMMIT")) {
                    table = null;
                } else if (table == null) {
                    throw new IllegalArgumentException("outside a table");
                } else if (line.startsWith(":")) {
                    table.put(line.substring(1).split(" ")[0], new ArrayList<>());
                } else if (line.startsWith("-X ")) {
                    table.remove(line.substring(3).strip());
                } else {
                    var rule = IptablesRule.parse(line);
                    var chain = table.get(rule.chain());
                    if (chain == null) {
                        throw new IllegalArgumentException("rule for undeclared chain " + rule.chain());
                    }
                    chain.add(rule);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNo + " (" + line + "): " + e.getMessage(), e);
            }
        }
        if (table != null) {
            throw new IllegalArgumentException("missing COMMIT");
        }
    }

    /** Adds a rule to a chain, creating the chain (a built-in one, typically) if needed. */
    public void append(String table, String ruleLine) {
        var rule = IptablesRule.parse(ruleLine);
        tables.computeIfAbsent(table, k -> new LinkedHashMap<>())
                .computeIfAbsent(rule.chain(), k -> new ArrayList<>()).add(rule);
    }

    public boolean hasChain(String table, String chain) {
        return tables.getOrDefault(table, Map.of()).containsKey(chain);
    }

    /** The chain's rules, or an empty list for a built-in chain nothing was added to. */
    public List<IptablesRule> chain(String table, String chain) {
        var rules = tables.getOrDefault(table, Map.of()).get(chain);
        if (rules == null) {
            if (chain.equals(chain.toUpperCase()) && Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")
                    .contains(chain)) {
                return List.of();
            }
            throw new IllegalStateException("no chain " + chain + " in table " + table);
        }
        return rules;
    }

    public Set<String> chains(String table) {
        return tables.getOrDefault(table, Map.of()).keySet();
    }

    /** Problems a real iptables-restore would reject or that leave chains unreachable; empty when consistent. */
    public List<String> inconsistencies() {
        var problems = new ArrayList<String>();
        for (var table : tables.entrySet()) {
            var referenced = new java.util.HashSet<String>();
            for (var chain : table.getValue().values()) {
                for (var rule : chain) {
                    var target = rule.target();
                    if (target == null || BUILTIN_TARGETS.contains(target)) {
                        continue;
                    }
                    referenced.add(target);
                    if (!table.getValue().containsKey(target)) {
                        problems.add(table.getKey() + ": " + rule.raw() + " jumps to undeclared " + target);
                    }
                }
            }
            for (var chain : table.getValue().keySet()) {
                if (chain.startsWith("KUBE-") && chain.contains("-") && isPerServiceChain(chain)
                        && !referenced.contains(chain)) {
                    problems.add(table.getKey() + ": chain " + chain + " is declared but nothing jumps to it");
                }
            }
        }
        return problems;
    }

    private static boolean isPerServiceChain(String chain) {
        return chain.startsWith("KUBE-SVC-") || chain.startsWith("KUBE-SVL-") || chain.startsWith("KUBE-EXT-")
                || chain.startsWith("KUBE-FW-") || chain.startsWith("KUBE-SEP-");
    }
}
