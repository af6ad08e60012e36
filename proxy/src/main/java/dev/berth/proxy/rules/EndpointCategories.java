package dev.berth.proxy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The endpoints a service port can use from this node, split as kube-proxy splits them: those for Cluster
 * policy (topology hints applied), those for Local policy, their union, and whether any endpoint anywhere is
 * usable. "Usable" means ready, falling back to serving-and-terminating when none are ready, separately for
 * Cluster and Local.
 */
record EndpointCategories(List<EndpointInfo> cluster, List<EndpointInfo> local, List<EndpointInfo> reachable,
                          boolean hasAny) {
    private static final EndpointCategories NONE = new EndpointCategories(List.of(), List.of(), List.of(), false);

    private enum TopologyMode { NONE, PREFER_SAME_ZONE, PREFER_SAME_NODE }

    static EndpointCategories of(List<EndpointInfo> endpoints, ServicePortInfo svc, NodeConfig node) {
        if (endpoints.isEmpty()) {
            return NONE;
        }
        var mode = TopologyMode.NONE;
        List<EndpointInfo> cluster = List.of();
        boolean hasAny = false;
        if (svc.usesClusterEndpoints()) {
            mode = topologyMode(endpoints, node);
            var m = mode;
            cluster = filter(endpoints, ep -> ep.ready() && availableForTopology(ep, m, node));
            if (cluster.isEmpty()) {
                // Nothing ready anywhere (topology would have been ignored otherwise): fall back.
                cluster = filter(endpoints, ep -> ep.serving() && ep.terminating());
            }
            hasAny = !cluster.isEmpty();
        }
        if (!svc.usesLocalEndpoints()) {
            return new EndpointCategories(cluster, List.of(), cluster, hasAny);
        }

        boolean localReady = false, localServingTerminating = false;
        for (var ep : endpoints) {
            if (ep.ready()) {
                hasAny = true;
                localReady |= ep.local();
            } else if (ep.serving() && ep.terminating()) {
                hasAny = true;
                localServingTerminating |= ep.local();
            }
        }
        List<EndpointInfo> local = List.of();
        boolean usesServingTerminating = false;
        if (localReady) {
            local = filter(endpoints, ep -> ep.local() && ep.ready());
        } else if (localServingTerminating) {
            usesServingTerminating = true;
            local = filter(endpoints, ep -> ep.local() && ep.serving() && ep.terminating());
        }
        if (!svc.usesClusterEndpoints()) {
            return new EndpointCategories(cluster, local, local, hasAny);
        }
        if (mode == TopologyMode.NONE && !usesServingTerminating) {
            // Cluster holds every ready endpoint, so it already contains the local ready ones.
            return new EndpointCategories(cluster, local, cluster, hasAny);
        }
        var union = new TreeMap<String, EndpointInfo>();
        for (var ep : cluster) {
            union.put(ep.hostPort(), ep);
        }
        for (var ep : local) {
            union.put(ep.hostPort(), ep);
        }
        return new EndpointCategories(cluster, local, List.copyOf(union.values()), hasAny);
    }

    /**
     * Per-node hints win when every ready endpoint has one and one names this node; else zone hints when every
     * ready endpoint has one and one names this node's zone; else no topology.
     */
    private static TopologyMode topologyMode(List<EndpointInfo> endpoints, NodeConfig node) {
        boolean anyReady = false, forNode = false, allNodeHints = true, forZone = false, allZoneHints = true;
        for (var ep : endpoints) {
            if (!ep.ready()) {
                continue;
            }
            anyReady = true;
            if (ep.nodeHints().isEmpty()) {
                allNodeHints = false;
            } else if (ep.nodeHints().contains(node.nodeName())) {
                forNode = true;
            }
            if (ep.zoneHints().isEmpty()) {
                allZoneHints = false;
            } else if (ep.zoneHints().contains(node.zone())) {
                forZone = true;
            }
        }
        if (!anyReady) {
            return TopologyMode.NONE;
        }
        if (node.preferSameNodeHints() && allNodeHints && forNode) {
            return TopologyMode.PREFER_SAME_NODE;
        }
        if (allZoneHints && forZone) {
            return TopologyMode.PREFER_SAME_ZONE;
        }
        return TopologyMode.NONE;
    }

    private static boolean availableForTopology(EndpointInfo ep, TopologyMode mode, NodeConfig node) {
        return switch (mode) {
            case NONE -> true;
            case PREFER_SAME_NODE -> ep.nodeHints().contains(node.nodeName());
            case PREFER_SAME_ZONE -> ep.zoneHints().contains(node.zone());
        };
    }

    private static List<EndpointInfo> filter(List<EndpointInfo> endpoints, Predicate<EndpointInfo> keep) {
        var out = new ArrayList<EndpointInfo>(endpoints.size());
        for (var ep : endpoints) {
            if (keep.test(ep)) {
                out.add(ep);
            }
        }
        return out;
    }
}
