package dev.berth.proxy.conntrack;

import dev.berth.proxy.model.AddressType;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Protocol;
import dev.berth.proxy.net.IpAddress;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which UDP conntrack flows are stale, as kube-proxy's reconciler decides: a flow whose original destination is
 * a UDP Service's cluster IP, external IP or load-balancer IP (or whose original destination port is its NodePort)
 * and whose reply source is not the IP of one of its serving endpoints. That covers flows to removed endpoints and
 * flows that were not DNATed at all because the Service had no endpoint yet. Traffic policies, topology and
 * terminating state are ignored on purpose: a flow is kept while its endpoint still serves, as for TCP.
 */
public final class StaleFlows {
    private StaleFlows() {
    }

    /** Whether any Service this proxy handles has a UDP port: without one, no flow can be stale. */
    public static boolean anyUdpService(ProxyState state) {
        for (var service : state.services()) {
            if (service.skipReason() == null && service.ports().stream().anyMatch(p -> p.protocol() == Protocol.UDP)) {
                return true;
            }
        }
        return false;
    }

    /** The deletions for {@code flows} (of the node's family), without repeats, in the flows' order. */
    public static List<Deletion> compute(List<Flow> flows, ProxyState state, NodeConfig config) {
        var byServiceIp = new HashMap<String, Set<String>>();
        var byNodePort = new HashMap<Integer, Set<String>>();
        servingEndpoints(state, config, byServiceIp, byNodePort);
        var out = new LinkedHashSet<Deletion>();
        for (var flow : flows) {
            if (!flow.protocol().equals("udp")) {
                continue;
            }
            var dst = canonical(flow.origDst());
            var replySrc = canonical(flow.replySrc());
            var ips = byServiceIp.get(dst);
            if (ips != null && !ips.contains(replySrc)) {
                out.add(new Deletion.ServiceIp(dst, replySrc));
            }
            var portIps = byNodePort.get(flow.origDport());
            if (portIps != null && !portIps.contains(replySrc)) {
                out.add(new Deletion.NodePort(flow.origDport(), replySrc));
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Fills the serving endpoint IPs of every UDP service port, keyed by each of its addresses and by its NodePort.
     * Ports of one Service sharing an address pool their endpoints, so a flow is stale only if no port of the
     * Service could have answered it.
     */
    private static void servingEndpoints(ProxyState state, NodeConfig config, Map<String, Set<String>> byServiceIp,
                                         Map<Integer, Set<String>> byNodePort) {
        var family = config.ipFamily();
        var addressType = family == IpFamily.IPV6 ? AddressType.IPV6 : AddressType.IPV4;
        var slices = new HashMap<NamespacedName, List<EndpointSlice>>();
        for (var slice : state.endpointSlices()) {
            if (slice.skipReason() == null && slice.addressType() == addressType) {
                slices.computeIfAbsent(slice.service(), k -> new ArrayList<>()).add(slice);
            }
        }
        for (var service : state.services()) {
            if (service.skipReason() != null) {
                continue;
            }
            String clusterIP = null;
            for (var ip : service.clusterIPs()) {
                if (IpAddress.family(ip) == family) {
                    clusterIP = IpAddress.canonical(ip);
                    break;
                }
            }
            if (clusterIP == null) {
                continue;
            }
            for (var port : service.ports()) {
                if (port.protocol() != Protocol.UDP) {
                    continue;
                }
                var ips = new HashSet<String>();
                for (var slice : slices.getOrDefault(service.name(), List.of())) {
                    boolean hasPort = slice.ports().stream().anyMatch(p -> p.protocol() == Protocol.UDP
                            && p.port() != null && p.port() != 0 && portName(p.name()).equals(portName(port.name())));
                    if (!hasPort) {
                        continue;
                    }
                    for (var ep : slice.endpoints()) {
                        if (!ep.addresses().isEmpty() && ep.conditions().isServing()) {
                            ips.add(canonical(ep.addresses().getFirst()));
                        }
                    }
                }
                var addresses = new ArrayList<String>();
                addresses.add(clusterIP);
                for (var ip : service.externalIPs()) {
                    if (IpAddress.family(ip) == family) {
                        addresses.add(IpAddress.canonical(ip));
                    }
                }
                for (var ingress : service.loadBalancerIngress()) {
                    if (!ingress.ip().isEmpty() && ingress.isVip() && IpAddress.family(ingress.ip()) == family) {
                        addresses.add(IpAddress.canonical(ingress.ip()));
                    }
                }
                for (var address : addresses) {
                    byServiceIp.computeIfAbsent(address, k -> new HashSet<>()).addAll(ips);
                }
                if (port.nodePort() != 0) {
                    byNodePort.computeIfAbsent(port.nodePort(), k -> new HashSet<>()).addAll(ips);
                }
            }
        }
    }

    private static String portName(String name) {
        return name == null ? "" : name;
    }

    private static String canonical(String ip) {
        var c = ip == null ? null : IpAddress.canonical(ip);
        return c == null ? String.valueOf(ip) : c;
    }
}
