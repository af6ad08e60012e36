package dev.berth.proxy.sync;

import dev.berth.proxy.rules.Chains;
import dev.berth.proxy.rules.ChainNames;
import dev.berth.proxy.rules.JumpRule;
import dev.berth.proxy.rules.JumpRules;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import dev.berth.proxy.rules.RuleCache;
import dev.berth.proxy.rules.RuleGenerator;
import dev.berth.proxy.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a ruleset into the kernel: ensures the jumps from the built-in chains, then one
 * {@code iptables-restore --noflush --counters} with the generated rules and the deletion of stale per-service
 * chains. Also owns the canary chains and {@code --cleanup}. Not thread-safe: one sync loop drives it.
 */
public final class IptablesSyncer {
    private static final Logger LOG = LoggerFactory.getLogger(IptablesSyncer.class);

    /** The tables the canary lives in: a flush of any of them means the proxy's state there is gone. */
    public static final List<String> CANARY_TABLES = List.of("mangle", "nat", "filter");

    /** The proxy's fixed nat chains, removed by {@link #cleanup()}. */
    static final List<String> OWN_NAT_CHAINS = List.of(Chains.SERVICES, Chains.NODE_PORTS, Chains.POSTROUTING,
            Chains.MARK_MASQ, Chains.CANARY);
    /** The proxy's fixed filter chains, removed by {@link #cleanup()}. KUBE-FIREWALL is kubelet's and stays. */
    static final List<String> OWN_FILTER_CHAINS = List.of(Chains.SERVICES, Chains.EXTERNAL_SERVICES,
            Chains.FORWARD, Chains.NODE_PORTS, Chains.PROXY_FIREWALL, Chains.CANARY);

    /** What one successful sync did. */
    public record Outcome(SyncKind kind, RuleSet rules, List<String> deletedChains, Duration duration) {}

    /** Per-service chains created per restore when a full sync on nf_tables is written in batches. */
    static final int CHAINS_PER_BATCH = 1000;

    private final Iptables iptables;
    private final NodeConfig config;
    private Backend backend;
    /** The nat chains in the kernel after the last successful sync (per-service ones matter); null when unknown. */
    private Set<String> knownServiceChains;

    private final int chainsPerBatch;
    /** Unchanged Services' rules from earlier generations; valid whatever the kernel holds, so never reset. */
    private final RuleCache ruleCache = new RuleCache();

    public IptablesSyncer(Iptables iptables, NodeConfig config) {
        this(iptables, config, CHAINS_PER_BATCH);
    }

    /** With another batch size for full syncs on nf_tables, so tests can make small rulesets take that path. */
    IptablesSyncer(Iptables iptables, NodeConfig config, int chainsPerBatch) {
        this.iptables = iptables;
        this.config = config;
        this.chainsPerBatch = chainsPerBatch;
    }

    public NodeConfig config() {
        return config;
    }

    /** Asks {@code iptables --version} which backend is in use. */
    public Backend detectBackend() {
        var known = backend;
        if (known == null) {
            var r = iptables.version();
            known = r.ok() ? Backend.parse(r.stdout().strip()) : Backend.UNKNOWN;
            backend = known;
        }
        return known;
    }

    /**
     * Syncs {@code state} into the kernel.
     *
     * @param ensureJumps whether to check (and restore) the jumps from the built-in chains first; always done for
     *                    a full sync
     * @throws SyncException if a command failed; nothing of this sync's restore was applied then
     */
    public Outcome sync(ProxyState state, SyncKind kind, boolean ensureJumps) throws SyncException {
        long start = System.nanoTime();
        boolean full = kind instanceof SyncKind.Full;
        // A full sync reads every table once: for the canaries, the jumps and the chains that may be stale.
        Iptables.Result save = full ? iptables.saveAll() : null;
        if (full || ensureJumps) {
            ensureJumpRules(full, save != null && save.ok() ? save.stdout() : null);
        }
        RuleSet rules = switch (kind) {
            case SyncKind.Full f -> RuleGenerator.generate(state, config, null, ruleCache);
            case SyncKind.Partial p -> RuleGenerator.generate(state, config, p.changedServices(), ruleCache);
        };
        List<String> stale;
        boolean staleKnown = true;
        try {
            Set<String> existing;
            if (save != null && save.ok()) {
                existing = StaleChains.chainsIn(save.stdout(), "nat");
            } else {
                existing = full || knownServiceChains == null ? readNatChains() : knownServiceChains;
            }
            stale = StaleChains.stale(existing, rules.activeNatChains());
        } catch (SyncException e) {
            // As kube-proxy: stale chains are unreferenced, so a failed save only postpones their deletion.
            LOG.error("cannot read the nat table, stale chains will not be deleted this time: {}", e.getMessage());
            stale = List.of();
            staleKnown = false;
        }
        var input = StaleChains.withDeletions(rules.restoreInput(), stale);
        // One restore per sync, except a full sync on nf_tables that creates many chains (see RestoreChunks).
        var inputs = full && detectBackend() == Backend.NFT ? RestoreChunks.split(input, chainsPerBatch)
                : List.of(input);
        for (int i = 0; i < inputs.size(); i++) {
            var result = iptables.restore(inputs.get(i));
            if (!result.ok()) {
                knownServiceChains = null;
                var part = inputs.size() > 1 ? " (restore " + (i + 1) + " of " + inputs.size()
                        + "; the earlier ones only added chains nothing jumps to yet)" : "";
                throw new SyncException("iptables-restore failed (" + kind.getClass().getSimpleName().toLowerCase()
                        + " sync, " + rules.natRules() + " nat rules" + part + "): " + result.describe(), true);
            }
        }
        // Unknown again if the save failed: the chains it would have found are still to be deleted.
        // The active set is immutable and StaleChains.stale looks at per-service chains only, so no copy is needed.
        knownServiceChains = staleKnown ? rules.activeNatChains() : null;
        return new Outcome(kind, rules, stale, Duration.ofNanos(System.nanoTime() - start));
    }

    private Set<String> readNatChains() throws SyncException {
        var save = iptables.save("nat");
        if (!save.ok()) {
            throw new SyncException("reading the nat table: " + save.describe());
        }
        return StaleChains.chainsIn(save.stdout(), "nat");
    }

    /** The jumps this configuration needs: the proxy's own, plus kubelet's KUBE-FIREWALL ones when that chain is written. */
    List<JumpRule> jumpRules() {
        var rules = new ArrayList<>(JumpRules.PROXY);
        if (config.effectiveLocalhostNodePorts()) {
            rules.addAll(JumpRules.KUBELET);
        }
        return rules;
    }

    /** As kube-proxy's EnsureChain + EnsureRule(Prepend): create the target chain, insert the jump if absent. */
    void ensureJumpRules() throws SyncException {
        ensureJumpRules(false, null);
    }

    /**
     * Ensures the jumps from the built-in chains (and, with {@code canaries}, the canary chains). With
     * {@code save}, an {@code iptables-save} of every table, what is missing is added in one restore per table
     * (inserted at the head, as kube-proxy's EnsureRule(Prepend) does) and nothing runs when all is there; a jump
     * that the save shows in another spelling is checked with {@code iptables -C} instead. Without a save, every
     * jump is checked and inserted one command at a time.
     */
    void ensureJumpRules(boolean canaries, String save) throws SyncException {
        if (save == null) {
            if (canaries) {
                ensureCanaries();
            }
            for (var jump : jumpRules()) {
                ensureJumpRule(jump);
            }
            return;
        }
        var sources = jumpRules().stream().map(JumpRule::sourceChain).collect(Collectors.toSet());
        for (var table : List.of("filter", "nat", "mangle")) {
            var declare = new LinkedHashSet<String>();
            var insert = new ArrayList<String>();
            var present = StaleChains.chainsIn(save, table);
            // Only the built-in chains the jumps sit in: the table's own rules can run to hundreds of thousands.
            var lines = StaleChains.rulesIn(save, table, sources);
            if (canaries && CANARY_TABLES.contains(table) && !present.contains(Chains.CANARY)) {
                declare.add(Chains.CANARY);
            }
            for (var jump : jumpRules()) {
                if (!jump.table().iptablesName().equals(table)) {
                    continue;
                }
                if (!present.contains(jump.targetChain())) {
                    declare.add(jump.targetChain());
                }
                var line = jump.restoreLine();
                if (lines.contains(line)) {
                    continue;
                }
                var prefix = "-A " + jump.sourceChain() + " ";
                var suffix = " -j " + jump.targetChain();
                if (lines.stream().anyMatch(l -> l.startsWith(prefix) && l.endsWith(suffix))) {
                    ensureJumpRule(jump);
                } else {
                    insert.add("-I " + line.substring(3));
                }
            }
            if (declare.isEmpty() && insert.isEmpty()) {
                continue;
            }
            var input = new StringBuilder("*").append(table).append('\n');
            declare.forEach(c -> input.append(':').append(c).append(" - [0:0]\n"));
            insert.forEach(l -> input.append(l).append('\n'));
            input.append("COMMIT\n");
            var r = iptables.restore(input.toString());
            if (!r.ok()) {
                throw new SyncException("adding chains " + declare + " and jumps " + insert + " to " + table + ": "
                        + r.describe());
            }
        }
    }

    private void ensureJumpRule(JumpRule jump) throws SyncException {
        var table = jump.table().iptablesName();
        ensureChain(table, jump.targetChain());
        var check = new ArrayList<>(List.of("-t", table, "-C", jump.sourceChain()));
        check.addAll(jump.args());
        if (iptables.iptables(check).ok()) {
            return;
        }
        var insert = new ArrayList<>(List.of("-t", table, "-I", jump.sourceChain()));
        insert.addAll(jump.args());
        var inserted = iptables.iptables(insert);
        if (!inserted.ok()) {
            throw new SyncException("inserting the jump " + jump.sourceChain() + " -> " + jump.targetChain()
                    + " in " + table + ": " + inserted.describe());
        }
    }

    private void ensureChain(String table, String chain) throws SyncException {
        var r = iptables.iptables(table, "-N", chain);
        // Exit 1 with "already exists" is the normal case after the first sync.
        if (!r.ok() && !(r.exitCode() == 1 && r.stderr().contains("exists"))) {
            throw new SyncException("creating chain " + chain + " in " + table + ": " + r.describe());
        }
    }

    /** Creates KUBE-PROXY-CANARY in mangle, nat and filter if missing. */
    public void ensureCanaries() throws SyncException {
        for (var table : CANARY_TABLES) {
            ensureChain(table, Chains.CANARY);
        }
    }

    /** The canary tables whose KUBE-PROXY-CANARY chain is gone: something flushed them. */
    public List<String> missingCanaries() {
        var missing = new ArrayList<String>();
        for (var table : CANARY_TABLES) {
            if (!iptables.iptables(table, "-S", Chains.CANARY).ok()) {
                missing.add(table);
            }
        }
        return missing;
    }

    /**
     * Removes every rule and chain the proxy owns: the jumps from built-in chains, the fixed and per-service
     * chains of nat and filter, and the canaries. Others' rules are left alone; so is kubelet's KUBE-FIREWALL,
     * as kube-proxy leaves it.
     *
     * @return problems met (empty when everything was removed)
     */
    public List<String> cleanup() {
        var errors = new ArrayList<String>();
        for (var jump : JumpRules.PROXY) {
            var table = jump.table().iptablesName();
            // A jump inserted twice (by an older run) is deleted until none is left.
            for (int i = 0; i < 100; i++) {
                var del = new ArrayList<>(List.of("-t", table, "-D", jump.sourceChain()));
                del.addAll(jump.args());
                if (!iptables.iptables(del).ok()) {
                    break;
                }
            }
        }
        removeChains("nat", OWN_NAT_CHAINS, true, errors);
        removeChains("filter", OWN_FILTER_CHAINS, false, errors);
        removeChains("mangle", List.of(Chains.CANARY), false, errors);
        knownServiceChains = null;
        return errors;
    }

    private void removeChains(String table, List<String> own, boolean serviceChains, List<String> errors) {
        var save = iptables.save(table);
        if (!save.ok()) {
            // No such table (nft creates tables lazily): nothing of ours is in it.
            LOG.debug("cleanup: cannot read table={} error=\"{}\"", table, save.describe());
            return;
        }
        var present = StaleChains.chainsIn(save.stdout(), table);
        var remove = present.stream()
                .filter(c -> own.contains(c) || (serviceChains && ChainNames.isServiceChain(c)))
                .sorted()
                .toList();
        if (remove.isEmpty()) {
            return;
        }
        var input = new StringBuilder("*").append(table).append('\n');
        remove.forEach(c -> input.append(':').append(c).append(" - [0:0]\n"));
        remove.forEach(c -> input.append("-X ").append(c).append('\n'));
        input.append("COMMIT\n");
        var r = iptables.restore(input.toString());
        if (!r.ok()) {
            errors.add("removing " + remove.size() + " chains from " + table + ": " + r.describe());
        } else {
            LOG.info("cleanup removed table={} chains={}", table, remove.size());
        }
    }
}
