package dev.berth.proxy.sync;

import dev.berth.proxy.rules.ChainNames;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the per-service nat chains a sync must delete and appends their deletion to the restore input, so the
 * new rules and the removal of the old chains land in one atomic table update.
 */
public final class StaleChains {
    private StaleChains() {
    }

    /** Chain names declared in one table of {@code iptables-save} output ({@code :NAME POLICY [p:b]} lines). */
    public static Set<String> chainsIn(String iptablesSave, String table) {
        var out = new TreeSet<String>();
        boolean inTable = false;
        for (var line : iptablesSave.split("\n")) {
            if (line.startsWith("*")) {
                inTable = line.substring(1).strip().equals(table);
            } else if (inTable && line.startsWith(":")) {
                int space = line.indexOf(' ');
                out.add(space < 0 ? line.substring(1) : line.substring(1, space));
            }
        }
        return out;
    }

    /** The {@code -A} lines of the given chains in one table of {@code iptables-save} output, as printed. */
    public static Set<String> rulesIn(String iptablesSave, String table, Set<String> chains) {
        var out = new HashSet<String>();
        boolean inTable = false;
        for (var line : iptablesSave.split("\n")) {
            if (line.startsWith("*")) {
                inTable = line.substring(1).strip().equals(table);
            } else if (inTable && line.startsWith("-A ")) {
                int end = line.indexOf(' ', 3);
                if (chains.contains(end < 0 ? line.substring(3) : line.substring(3, end))) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /**
     * The per-service chains (KUBE-SVC-, KUBE-SVL-, KUBE-EXT-, KUBE-FW-, KUBE-SEP-) in {@code existing} that the
     * new ruleset no longer uses, sorted. Other chains, the proxy's fixed ones and anyone else's, are never stale.
     */
    public static List<String> stale(Collection<String> existing, Set<String> active) {
        return existing.stream()
                .filter(ChainNames::isServiceChain)
                .filter(c -> !active.contains(c))
                .sorted()
                .distinct()
                .toList();
    }

    /**
     * Adds, to the {@code *nat} section of {@code restoreInput}, a flush ({@code :CHAIN - [0:0]}) and a delete
     * ({@code -X CHAIN}) for each stale chain. The flush comes first so a chain is empty when deleted; the
     * dispatch chains that jumped to it are rewritten in the same section.
     */
    public static String withDeletions(String restoreInput, List<String> stale) {
        if (stale.isEmpty()) {
            return restoreInput;
        }
        int nat = restoreInput.indexOf("*nat\n");
        if (nat < 0) {
            throw new IllegalArgumentException("restore input has no *nat section");
        }
        int commit = restoreInput.indexOf("COMMIT\n", nat);
        if (commit < 0) {
            throw new IllegalArgumentException("restore input's *nat section has no COMMIT");
        }
        var declare = new StringBuilder();
        var delete = new StringBuilder();
        for (var chain : stale) {
            declare.append(':').append(chain).append(" - [0:0]\n");
            delete.append("-X ").append(chain).append('\n');
        }
        int afterHeader = nat + "*nat\n".length();
        return restoreInput.substring(0, afterHeader) + declare + restoreInput.substring(afterHeader, commit) + delete
                + restoreInput.substring(commit);
    }
}
