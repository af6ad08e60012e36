package dev.berth.proxy.rules;

import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.net.Cidr;
import dev.berth.proxy.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What rule generation needs to know about the node and the proxy's flags, for one IP family.
 *
 * @param nodeName              this node's name; endpoints whose {@code nodeName} equals it are local
 * @param ipFamily              the family of rules generated (one iptables binary per family)
 * @param nodeIPs               this node's primary IPs; a load balancer source range containing one also admits
 *                              traffic from the node itself, looping back with the LB IP as source
 * @param clusterCIDR           {@code --cluster-cidr}: traffic from outside it is off-cluster and is masqueraded
 *                              when sent to a cluster IP; null when not set
 * @param masqueradeAll         {@code --masquerade-all}: masquerade all traffic to cluster IPs
 * @param localhostNodePorts    {@code --iptables-localhost-nodeports} (IPv4 only)
 * @param nodePortAddresses     the node addresses NodePorts answer on, already resolved from
 *                              {@code --nodeport-addresses}; empty means every local address
 * @param masqueradeBit         {@code --iptables-masquerade-bit}, 14 by default (mark 0x4000)
 * @param randomFully           whether the iptables in use supports {@code MASQUERADE --random-fully}
 * @param conntrackTcpBeLiberal whether {@code nf_conntrack_tcp_be_liberal} is set, which makes the INVALID drop
 *                              rule unnecessary
 * @param zone                  this node's {@code topology.kubernetes.io/zone} label, empty when unlabelled
 * @param preferSameNodeHints   whether per-node endpoint hints are honoured (the PreferSameTrafficDistribution gate)
 */
public record NodeConfig(
        String nodeName,
        IpFamily ipFamily,
        List<String> nodeIPs,
        String clusterCIDR,
        boolean masqueradeAll,
        boolean localhostNodePorts,
        List<String> nodePortAddresses,
        int masqueradeBit,
        boolean randomFully,
        boolean conntrackTcpBeLiberal,
        String zone,
        boolean preferSameNodeHints) {

    public NodeConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(ipFamily, "ipFamily");
        nodeIPs = List.copyOf(nodeIPs);
        nodePortAddresses = List.copyOf(nodePortAddresses);
        zone = zone == null ? "" : zone;
        if (masqueradeBit < 0 || masqueradeBit > 31) {
            throw new IllegalArgumentException("masqueradeBit " + masqueradeBit + " is outside 0..31");
        }
        if (clusterCIDR != null) {
            var cidr = Cidr.parse(clusterCIDR);
            if (cidr == null) {
                throw new IllegalArgumentException("clusterCIDR '" + clusterCIDR + "' is not a CIDR");
            }
            if (cidr.family() != ipFamily) {
                throw new IllegalArgumentException("clusterCIDR " + clusterCIDR + " is not of family " + ipFamily);
            }
        }
        for (var ip : nodePortAddresses) {
            if (IpAddress.parse(ip) == null) {
                throw new IllegalArgumentException("nodePortAddresses entry '" + ip + "' is not an IP");
            }
        }
    }

    /**
     * The masquerade mark as kube-proxy spells it ({@code %#08x} of {@code 1 << masqueradeBit}, so bit 14 is
     * {@code 0x00004000}); iptables-save shows it shortened to {@code 0x4000}.
     */
    public String masqueradeMark() {
        var hex = Integer.toHexString(1 << masqueradeBit);
        return "0x" + "0".repeat(Math.max(0, 8 - hex.length())) + hex;
    }

    /**
     * Whether NodePorts answer on 127.0.0.0/8: only for IPv4, and only if the NodePort addresses include a
     * loopback address (kube-proxy turns the flag off otherwise).
     */
    public boolean effectiveLocalhostNodePorts() {
        if (ipFamily != IpFamily.IPV4 || !localhostNodePorts) {
            return false;
        }
        return nodePortAddresses.isEmpty() || nodePortAddresses.stream().anyMatch(NodeConfig::isLoopback);
    }

    static boolean isLoopback(String ip) {
        var bytes = IpAddress.parse(ip);
        if (bytes == null) {
            return false;
        }
        if (bytes.length == 4) {
            return bytes[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[15] == 1;
    }

    public static Builder builder(String nodeName) {
        return new Builder(nodeName);
    }

    /** Starts from kube-proxy's defaults: IPv4, localhost NodePorts on, mark bit 14, no cluster CIDR. */
    public static final class Builder {
        private final String nodeName;
        private IpFamily ipFamily = IpFamily.IPV4;
        private final List<String> nodeIPs = new ArrayList<>();
        private String clusterCIDR;
        private boolean masqueradeAll;
        private boolean localhostNodePorts = true;
        private final List<String> nodePortAddresses = new ArrayList<>();
        private int masqueradeBit = 14;
        private boolean randomFully;
        private boolean conntrackTcpBeLiberal;
        private String zone = "";
        private boolean preferSameNodeHints = true;

        private Builder(String nodeName) {
            this.nodeName = nodeName;
        }

        public Builder ipFamily(IpFamily family) {
            this.ipFamily = family;
            return this;
        }

        public Builder nodeIPs(String... ips) {
            nodeIPs.addAll(List.of(ips));
            return this;
        }

        public Builder clusterCIDR(String cidr) {
            this.clusterCIDR = cidr;
            return this;
        }

        public Builder masqueradeAll(boolean on) {
            this.masqueradeAll = on;
            return this;
        }

        public Builder localhostNodePorts(boolean on) {
            this.localhostNodePorts = on;
            return this;
        }

        public Builder nodePortAddresses(String... ips) {
            nodePortAddresses.addAll(List.of(ips));
            return this;
        }

        public Builder masqueradeBit(int bit) {
            this.masqueradeBit = bit;
            return this;
        }

        public Builder randomFully(boolean on) {
            this.randomFully = on;
            return this;
        }

        public Builder conntrackTcpBeLiberal(boolean on) {
            this.conntrackTcpBeLiberal = on;
            return this;
        }

        public Builder zone(String zone) {
            this.zone = zone;
            return this;
        }

        public Builder preferSameNodeHints(boolean on) {
            this.preferSameNodeHints = on;
            return this;
        }

        public NodeConfig build() {
            return new NodeConfig(nodeName, ipFamily, nodeIPs, clusterCIDR, masqueradeAll, localhostNodePorts,
                    nodePortAddresses, masqueradeBit, randomFully, conntrackTcpBeLiberal, zone, preferSameNodeHints);
        }
    }
}
