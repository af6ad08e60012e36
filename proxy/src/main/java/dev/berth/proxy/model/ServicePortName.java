package dev.berth.proxy.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * One port of one Service: the key that joins a Service port to the EndpointSlice ports of the same name
 * and protocol. Prints as kube-proxy prints it, {@code namespace/name:port}, or {@code namespace/name} for
 * an unnamed port; that text feeds the chain-name hashes and the rule comments.
 */
public record ServicePortName(NamespacedName service, String port, Protocol protocol)
        implements Comparable<ServicePortName> {
    private static final Comparator<ServicePortName> ORDER = Comparator.comparing(ServicePortName::service)
            .thenComparing(ServicePortName::port)
            .thenComparing(ServicePortName::protocol);

    public ServicePortName {
        Objects.requireNonNull(service, "service");
        port = port == null ? "" : port;
        Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public int compareTo(ServicePortName o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return port.isEmpty() ? service.toString() : service + ":" + port;
    }
}
