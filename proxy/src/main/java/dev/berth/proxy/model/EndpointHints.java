package dev.berth.proxy.model;

import java.util.List;

/** {@code hints} of an endpoint: the zones and nodes that should prefer it. */
public record EndpointHints(List<String> forZones, List<String> forNodes) {
    public static final EndpointHints NONE = new EndpointHints(List.of(), List.of());

    public EndpointHints {
        forZones = List.copyOf(forZones);
        forNodes = List.copyOf(forNodes);
    }
}
