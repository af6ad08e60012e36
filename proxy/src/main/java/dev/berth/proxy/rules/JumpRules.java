package dev.berth.proxy.rules;

import static dev.berth.proxy.rules.JumpRule.Table.FILTER;
import static dev.berth.proxy.rules.JumpRule.Table.NAT;

import java.util.List;

/** The jumps from the built-in chains into the proxy's top-level chains, the same as kube-proxy installs. */
public final class JumpRules {
    private static final List<String> NEW = List.of("-m", "conntrack", "--ctstate", "NEW");

    /** The proxy's own jumps, which {@code --cleanup} removes. */
    public static final List<JumpRule> PROXY = List.of(
            new JumpRule(FILTER, "INPUT", Chains.EXTERNAL_SERVICES, "kubernetes externally-visible service portals", NEW),
            new JumpRule(FILTER, "FORWARD", Chains.EXTERNAL_SERVICES, "kubernetes externally-visible service portals", NEW),
            new JumpRule(FILTER, "INPUT", Chains.NODE_PORTS, "kubernetes health check service ports", List.of()),
            new JumpRule(FILTER, "FORWARD", Chains.SERVICES, "kubernetes service portals", NEW),
            new JumpRule(FILTER, "OUTPUT", Chains.SERVICES, "kubernetes service portals", NEW),
            new JumpRule(FILTER, "FORWARD", Chains.FORWARD, "kubernetes forwarding rules", List.of()),
            new JumpRule(FILTER, "INPUT", Chains.PROXY_FIREWALL, "kubernetes load balancer firewall", NEW),
            new JumpRule(FILTER, "OUTPUT", Chains.PROXY_FIREWALL, "kubernetes load balancer firewall", NEW),
            new JumpRule(FILTER, "FORWARD", Chains.PROXY_FIREWALL, "kubernetes load balancer firewall", NEW),
            new JumpRule(NAT, "OUTPUT", Chains.SERVICES, "kubernetes service portals", List.of()),
            new JumpRule(NAT, "PREROUTING", Chains.SERVICES, "kubernetes service portals", List.of()),
            new JumpRule(NAT, "POSTROUTING", Chains.POSTROUTING, "kubernetes postrouting rules", List.of()));

    /**
     * Jumps into KUBE-FIREWALL, a chain kubelet also maintains; kube-proxy ensures them but never removes them.
     */
    public static final List<JumpRule> KUBELET = List.of(
            new JumpRule(FILTER, "INPUT", Chains.KUBELET_FIREWALL, "", List.of()),
            new JumpRule(FILTER, "OUTPUT", Chains.KUBELET_FIREWALL, "", List.of()));

    private JumpRules() {
    }
}
