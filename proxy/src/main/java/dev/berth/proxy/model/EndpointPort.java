package dev.berth.proxy.model;

/**
 * One entry of an EndpointSlice's {@code ports}.
 *
 * @param name     the Service port name it serves; null when the API object omits it (such ports are unusable)
 * @param protocol defaults to TCP
 * @param port     null when the API object omits it (meaning "all ports", which kube-proxy does not support)
 */
public record EndpointPort(String name, Protocol protocol, Integer port) {
    public EndpointPort {
        protocol = protocol == null ? Protocol.TCP : protocol;
    }

    public static EndpointPort of(String name, Protocol protocol, int port) {
        return new EndpointPort(name, protocol, port);
    }
}
