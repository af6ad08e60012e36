package dev.berth.proxy.model;

import java.util.Objects;

/**
 * One entry of {@code spec.ports}.
 *
 * @param name       the port name, empty when the Service has a single unnamed port
 * @param targetPort the target port as written (a number or a container port name); informational, the
 *                   EndpointSlice carries the resolved number
 * @param nodePort   0 when none is allocated
 */
public record ServicePort(String name, Protocol protocol, int port, String targetPort, int nodePort) {
    public ServicePort {
        name = name == null ? "" : name;
        Objects.requireNonNull(protocol, "protocol");
        targetPort = targetPort == null ? "" : targetPort;
    }

    public static ServicePort of(String name, Protocol protocol, int port) {
        return new ServicePort(name, protocol, port, "", 0);
    }

    public ServicePort withNodePort(int nodePort) {
        return new ServicePort(name, protocol, port, targetPort, nodePort);
    }
}
