package dev.berth.proxy.health;

import com.fasterxml.jackson.databind.JsonNode;

/** Whether a Node may take load-balancer traffic, as kube-proxy's health server judges it from the Node object. */
public final class NodeEligibility {
    private NodeEligibility() {
    }

    /** False while the Node is being deleted: a deletion timestamp, or the cluster autoscaler's deletion taint. */
    public static boolean of(JsonNode node) {
        if (!node.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
            return false;
        }
        for (var taint : node.path("spec").path("taints")) {
            if (ProxyHealth.TO_BE_DELETED_TAINT.equals(taint.path("key").asText())) {
                return false;
            }
        }
        return true;
    }
}
