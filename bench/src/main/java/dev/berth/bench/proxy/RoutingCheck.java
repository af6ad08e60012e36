package dev.berth.bench.proxy;

import dev.berth.proxy.trace.PacketTracer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * (d): do both proxies route the same way? Two views of the two namespaces' rules. First, for every Service,
 * the DNAT targets reachable from its cluster IP through KUBE-SERVICES → KUBE-SVC → KUBE-SEP, compared
 * between the proxies and with the endpoints in the API. Second, for a sample of Services, packets traced
 * through each namespace's nat and filter rules with proxy's PacketTracer: from a pod and from off-cluster to
 * the cluster IP, and from off-cluster to the node's own IP and NodePort; the possible outcomes (DNAT targets)
 * and whether the packet is masqueraded must be the same for both.
 */
final class RoutingCheck {
    static final String POD_CLIENT = "10.247.255.1";
    static final String OFF_CLUSTER_CLIENT = "192.0.2.10";

    private RoutingCheck() {}

    static ProxySideBySide.Routing check(Map<String, ProxySideBySide.ServiceInfo> services,
                                         Map<Integer, List<String>> addresses, int n, Map<String, String> nat,
                                         Map<String, String> filter, Map<String, String> nodeIPs, int flowServices) {
        Map<String, Set<String>> expected = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            var info = services.get(ServiceObjects.serviceName(i));
            Set<String> eps = new TreeSet<>();
            addresses.get(i).forEach(a -> eps.add(a + ":" + ServiceObjects.TARGET_PORT));
            expected.put(info.clusterIP() + ":" + ServiceObjects.PORT, eps);
        }
        var kube = KernelRules.dnatTargets(nat.get("kube-proxy"));
        var berth = KernelRules.dnatTargets(nat.get("berth-proxy"));
        int same = 0, kubeOk = 0, berthOk = 0;
        for (var e : expected.entrySet()) {
            same += kube.get(e.getKey()) != null && kube.get(e.getKey()).equals(berth.get(e.getKey())) ? 1 : 0;
            kubeOk += e.getValue().equals(kube.get(e.getKey())) ? 1 : 0;
            berthOk += e.getValue().equals(berth.get(e.getKey())) ? 1 : 0;
        }
        List<String> differences = KernelRules.differences(kube, berth, 5);

        int traced = 0, identical = 0;
        List<String> flowDiffs = new ArrayList<>();
        String tracerError = null;
        try {
            var kubeTracer = new PacketTracer(KernelRules.forTracer(filter.get("kube-proxy"), nat.get("kube-proxy")),
                    List.of(nodeIPs.get("kube-proxy")));
            var berthTracer = new PacketTracer(KernelRules.forTracer(filter.get("berth-proxy"), nat.get("berth-proxy")),
                    List.of(nodeIPs.get("berth-proxy")));
            int step = Math.max(1, n / Math.max(1, flowServices));
            for (int i = 0; i < n && traced < 3 * flowServices; i += step) {
                var info = services.get(ServiceObjects.serviceName(i));
                var want = expected.get(info.clusterIP() + ":" + ServiceObjects.PORT);
                List<String[]> flows = new ArrayList<>();
                flows.add(new String[] {"pod → cluster IP", POD_CLIENT, info.clusterIP(), Integer.toString(ServiceObjects.PORT),
                        info.clusterIP(), info.clusterIP()});
                flows.add(new String[] {"off-cluster → cluster IP", OFF_CLUSTER_CLIENT, info.clusterIP(),
                        Integer.toString(ServiceObjects.PORT), info.clusterIP(), info.clusterIP()});
                if (info.nodePort() > 0) {
                    flows.add(new String[] {"off-cluster → NodePort", OFF_CLUSTER_CLIENT, null, Integer.toString(info.nodePort()),
                            nodeIPs.get("kube-proxy"), nodeIPs.get("berth-proxy")});
                }
                for (String[] f : flows) {
                    int port = Integer.parseInt(f[3]);
                    var k = kubeTracer.trace(PacketTracer.Packet.tcp(f[1], f[4], port));
                    var b = berthTracer.trace(PacketTracer.Packet.tcp(f[1], f[5], port));
                    traced++;
                    boolean ok = k.outputs().equals(b.outputs()) && k.masquerade() == b.masquerade() && k.outputs().equals(want);
                    if (ok) {
                        identical++;
                    } else if (flowDiffs.size() < 5) {
                        flowDiffs.add(ServiceObjects.serviceName(i) + " " + f[0] + ": kube-proxy " + k.outputs() + " masq="
                                + k.masquerade() + ", berth-proxy " + b.outputs() + " masq=" + b.masquerade() + ", API " + want);
                    }
                }
            }
        } catch (RuntimeException e) {
            tracerError = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (tracerError.length() > 600) {
                tracerError = tracerError.substring(0, 600) + "...";
            }
        }
        return new ProxySideBySide.Routing(n, kubeOk, berthOk, same, differences, traced, identical, flowDiffs, tracerError);
    }
}
