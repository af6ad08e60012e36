package dev.berth.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestoreChunksTest {
    /** A ruleset in kube-proxy's layout with {@code n} services, one endpoint each, every other one a NodePort. */
    private static String ruleset(int n, List<String> stale) {
        var decl = new StringBuilder(":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n"
                + ":KUBE-POSTROUTING - [0:0]\n");
        var rules = new StringBuilder("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n"
                + "-A KUBE-POSTROUTING -j MASQUERADE\n");
        for (int i = 0; i < n; i++) {
            decl.append(":KUBE-SVC-").append(i).append(" - [0:0]\n:KUBE-SEP-").append(i).append(" - [0:0]\n");
            rules.append("-A KUBE-SERVICES -d 10.0.0.").append(i).append("/32 -m comment --comment \"ns/s")
                    .append(i).append(" -j x\" -j KUBE-SVC-").append(i).append('\n');
            rules.append("-A KUBE-SVC-").append(i).append(" -j KUBE-SEP-").append(i).append('\n');
            rules.append("-A KUBE-SEP-").append(i).append(" -j KUBE-MARK-MASQ\n");
            if (i % 2 == 0) {
                decl.append(":KUBE-EXT-").append(i).append(" - [0:0]\n");
                rules.append("-A KUBE-EXT-").append(i).append(" -j KUBE-SVC-").append(i).append('\n');
                rules.append("-A KUBE-NODEPORTS -p tcp --dport ").append(30000 + i).append(" -j KUBE-EXT-")
                        .append(i).append('\n');
            }
        }
        var nat = new StringBuilder("*nat\n");
        stale.forEach(c -> nat.append(':').append(c).append(" - [0:0]\n"));
        nat.append(decl).append(rules);
        stale.forEach(c -> nat.append("-X ").append(c).append('\n'));
        return "*filter\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -j REJECT\nCOMMIT\n" + nat + "COMMIT\n";
    }

    /** Every line sits inside a {@code *table} ... {@code COMMIT} section, and every section is closed. */
    private static void assertWellFormed(String part) {
        boolean open = false;
        for (var line : part.split("\n")) {
            if (line.startsWith("*")) {
                assertTrue(!open, "a section opens before the previous one is committed: " + part);
                open = true;
            } else if (line.equals("COMMIT")) {
                assertTrue(open, "COMMIT outside a section: " + part);
                open = false;
            } else {
                assertTrue(open, "a line outside a section: " + line);
            }
        }
        assertTrue(!open, "a section is never committed: " + part);
    }

    @Test
    void aSmallRulesetStaysOneRestore() {
        var input = ruleset(10, List.of());
        assertEquals(List.of(input), RestoreChunks.split(input, 100));
    }

    @Test
    void aLargeRulesetIsSplitSoThatNothingJumpsToAChainNotYetWritten() {
        var stale = List.of("KUBE-SEP-OLD1", "KUBE-SVC-OLD2");
        var input = ruleset(50, stale);
        var parts = RestoreChunks.split(input, 10);
        assertTrue(parts.size() > 5, "split into " + parts.size());

        // Applied in order, every jump target was declared in an earlier or the same part.
        Set<String> written = new HashSet<>(Set.of("MARK", "MASQUERADE", "REJECT"));
        var lines = new ArrayList<String>();
        for (var part : parts) {
            assertWellFormed(part);
            for (var line : part.split("\n")) {
                if (line.startsWith(":")) {
                    written.add(line.substring(1, line.indexOf(' ')));
                }
            }
            for (var line : part.split("\n")) {
                lines.add(line);
                if (line.startsWith("-A ")) {
                    var target = line.substring(line.lastIndexOf(" -j ") + 4).split(" ")[0];
                    assertTrue(written.contains(target), target + " jumped to before it was written: " + line);
                }
            }
        }
        // Stale chains are flushed and deleted in the last part, with the dispatch chains and the filter table.
        var last = parts.getLast();
        assertTrue(last.contains("-X KUBE-SEP-OLD1\n") && last.contains("-X KUBE-SVC-OLD2\n"), last);
        assertTrue(last.contains("*filter\n") && last.contains("-A KUBE-NODEPORTS "), last);
        // Nothing lost, nothing added: the same declarations, rules and deletions as the single input.
        var expected = new ArrayList<>(List.of(input.split("\n")));
        expected.removeIf(l -> l.startsWith("*") || l.equals("COMMIT"));
        lines.removeIf(l -> l.startsWith("*") || l.equals("COMMIT"));
        assertEquals(new HashSet<>(expected), new HashSet<>(lines));
        assertEquals(expected.size(), lines.size());
    }
}
