package dev.berth.proxy.rules;

/** Names of the proxy's fixed chains (kube-proxy's names). */
public final class Chains {
    /** Dispatch on service IP and port: nat (capture) and filter (reject when no endpoints). */
    public static final String SERVICES = "KUBE-SERVICES";
    /** Filter verdicts for external destinations (external IPs, LB IPs, NodePorts) without usable endpoints. */
    public static final String EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
    /** nat: NodePort dispatch; filter: health-check node ports accepted. */
    public static final String NODE_PORTS = "KUBE-NODEPORTS";
    public static final String POSTROUTING = "KUBE-POSTROUTING";
    public static final String MARK_MASQ = "KUBE-MARK-MASQ";
    public static final String FORWARD = "KUBE-FORWARD";
    /** Drops traffic to LB IPs that their source-range firewall chain did not accept. */
    public static final String PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
    /** Empty marker chain; if it disappears, something flushed the tables and a full sync is due. */
    public static final String CANARY = "KUBE-PROXY-CANARY";
    /** kubelet's chain holding the anti-martian rule for localhost NodePorts. */
    public static final String KUBELET_FIREWALL = "KUBE-FIREWALL";

    private Chains() {
    }
}
