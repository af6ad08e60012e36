package dev.berth.proxy.model;

import java.util.List;
import java.util.Objects;

/**
 * One entry of an EndpointSlice's {@code endpoints}.
 *
 * @param addresses the endpoint's addresses; only the first is used, as kube-proxy does
 * @param nodeName  the node hosting it, empty when unknown
 * @param zone      its zone, empty when unknown
 */
public record Endpoint(List<String> addresses, EndpointConditions conditions, String nodeName, String zone,
                       EndpointHints hints) {
    public Endpoint {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(conditions, "conditions");
        nodeName = nodeName == null ? "" : nodeName;
        zone = zone == null ? "" : zone;
        Objects.requireNonNull(hints, "hints");
    }

    /** A ready endpoint at one address on a node. */
    public static Endpoint of(String address, String nodeName) {
        return new Endpoint(List.of(address), EndpointConditions.UNSET, nodeName, "", EndpointHints.NONE);
    }

    public Endpoint withConditions(EndpointConditions conditions) {
        return new Endpoint(addresses, conditions, nodeName, zone, hints);
    }

    public Endpoint withZone(String zone, EndpointHints hints) {
        return new Endpoint(addresses, conditions, nodeName, zone, hints);
    }
}
