package dev.berth.proxy.rules;

import java.util.Set;

/**
 * The output of one generation.
 *
 * @param restoreInput     {@code iptables-restore --noflush} input: a {@code *filter} then a {@code *nat} section
 * @param filterChains     chain lines written in the filter table
 * @param filterRules      rule lines written in the filter table
 * @param natChains        chain lines written in the nat table
 * @param natRules         rule lines written in the nat table
 * @param natRulesTotal    nat rules the full ruleset has, including those of services a partial generation skipped
 * @param activeNatChains  every per-service nat chain the ruleset uses, written or skipped; nat chains with
 *                         a service-chain prefix not in this set are stale
 * @param servicePorts     service ports rules were generated for
 * @param endpoints        endpoints known for those service ports
 * @param noLocalInternal  service ports with endpoints whose internal traffic policy is Local and none is local
 *                         (their cluster IP traffic is dropped)
 * @param noLocalExternal  the same for the external traffic policy (external traffic is dropped)
 */
public record RuleSet(String restoreInput, int filterChains, int filterRules, int natChains, int natRules,
                      int natRulesTotal, Set<String> activeNatChains, int servicePorts, int endpoints,
                      int noLocalInternal, int noLocalExternal) {
    public RuleSet {
        // A generation's ChainSet is immutable already, and copying it would hash every name again.
        activeNatChains = activeNatChains instanceof ChainSet ? activeNatChains : Set.copyOf(activeNatChains);
    }

    /** A ruleset without the no-local-endpoint counts. */
    public RuleSet(String restoreInput, int filterChains, int filterRules, int natChains, int natRules,
                   int natRulesTotal, Set<String> activeNatChains, int servicePorts, int endpoints) {
        this(restoreInput, filterChains, filterRules, natChains, natRules, natRulesTotal, activeNatChains,
                servicePorts, endpoints, 0, 0);
    }
}
