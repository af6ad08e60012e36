package dev.berth.proxy.rules;

import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServicePort;
import dev.berth.proxy.model.ServicePortName;
import dev.berth.proxy.model.SessionAffinity;
import dev.berth.proxy.net.Cidr;
import dev.berth.proxy.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One service port as the rules see it, reduced to one IP family: the addresses of other families are dropped
 * here, as kube-proxy's service change tracker drops them.
 */
record ServicePortInfo(
        ServicePortName name,
        String nameString,
        String protocol,
        String clusterIP,
        int port,
        int nodePort,
        List<String> externalIPs,
        List<String> loadBalancerVIPs,
        List<Cidr> loadBalancerSourceRanges,
        int healthCheckNodePort,
        boolean externalPolicyLocal,
        boolean internalPolicyLocal,
        SessionAffinity affinity,
        String clusterPolicyChain,
        String localPolicyChain,
        String externalChain,
        String firewallChain) {

    /** The port's view for {@code family}, or null if the Service has no cluster IP of that family. */
    static ServicePortInfo of(Service service, ServicePort port, IpFamily family) {
        String clusterIP = null;
        for (var ip : service.clusterIPs()) {
            if (IpAddress.family(ip) == family) {
                clusterIP = IpAddress.canonical(ip);
                break;
            }
        }
        if (clusterIP == null) {
            return null;
        }
        var name = new ServicePortName(service.name(), port.name(), port.protocol());
        var nameString = name.toString();
        var protocol = port.protocol().lower();
        var hash = ChainNames.portProtoHash(nameString, protocol);
        var externalIPs = ipsOfFamily(service.externalIPs(), family);
        var vips = new ArrayList<String>();
        for (var ingress : service.loadBalancerIngress()) {
            if (!ingress.ip().isEmpty() && ingress.isVip() && IpAddress.family(ingress.ip()) == family) {
                vips.add(IpAddress.canonical(ingress.ip()));
            }
        }
        var ranges = new ArrayList<Cidr>();
        for (var text : service.loadBalancerSourceRanges()) {
            // The API once accepted whitespace around ranges; tolerate it as kube-proxy does.
            var cidr = Cidr.parse(text.strip());
            if (cidr != null && cidr.family() == family) {
                ranges.add(cidr);
            }
        }
        return new ServicePortInfo(name, nameString, protocol, clusterIP, port.port(), port.nodePort(),
                externalIPs, vips, ranges, service.needsHealthCheck() ? service.healthCheckNodePort() : 0,
                service.externalPolicyLocal(), service.internalPolicyLocal(), service.sessionAffinity(),
                ChainNames.SVC_PREFIX + hash, ChainNames.SVL_PREFIX + hash, ChainNames.EXT_PREFIX + hash,
                ChainNames.FW_PREFIX + hash);
    }

    private static List<String> ipsOfFamily(List<String> ips, IpFamily family) {
        var out = new ArrayList<String>(ips.size());
        for (var ip : ips) {
            if (IpAddress.family(ip) == family) {
                out.add(IpAddress.canonical(ip));
            }
        }
        return out;
    }

    boolean externallyAccessible() {
        return nodePort != 0 || !loadBalancerVIPs.isEmpty() || !externalIPs.isEmpty();
    }

    /** Cluster endpoints serve internal traffic under Cluster policy, and short-circuited external traffic. */
    boolean usesClusterEndpoints() {
        return !internalPolicyLocal || externallyAccessible();
    }

    boolean usesLocalEndpoints() {
        return internalPolicyLocal || (externalPolicyLocal && externallyAccessible());
    }
}
