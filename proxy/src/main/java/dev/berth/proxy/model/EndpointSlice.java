package dev.berth.proxy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The fields of a {@code discovery.k8s.io} EndpointSlice (v1 or v1beta1) that a service proxy acts on.
 *
 * @param name    the slice's own namespace and name
 * @param service the Service it belongs to, from the {@code kubernetes.io/service-name} label; null without it
 */
public record EndpointSlice(NamespacedName name, NamespacedName service, Map<String, String> labels,
                            AddressType addressType, List<Endpoint> endpoints, List<EndpointPort> ports) {
    /** The label naming the Service an EndpointSlice belongs to. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public EndpointSlice {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(addressType, "addressType");
        endpoints = List.copyOf(endpoints);
        ports = List.copyOf(ports);
    }

    /**
     * Why a service proxy ignores this slice, or null if it uses it: it must name its Service, and slices
     * labelled with a proxy name or as headless are filtered out as kube-proxy's informers do.
     */
    public String skipReason() {
        if (service == null) {
            return "it has no " + SERVICE_NAME_LABEL + " label";
        }
        if (labels.containsKey(Service.SERVICE_PROXY_NAME_LABEL)) {
            return "it names service proxy '" + labels.get(Service.SERVICE_PROXY_NAME_LABEL) + "'";
        }
        if (labels.containsKey(Service.HEADLESS_LABEL)) {
            return "it is labelled headless";
        }
        return null;
    }

    public static Builder builder(String namespace, String service, String sliceName) {
        return new Builder(namespace, service, sliceName);
    }

    /** Builds an IPv4 slice unless told otherwise. */
    public static final class Builder {
        private final NamespacedName name;
        private final NamespacedName service;
        private final Map<String, String> labels = new TreeMap<>();
        private AddressType addressType = AddressType.IPV4;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final List<EndpointPort> ports = new ArrayList<>();

        private Builder(String namespace, String service, String sliceName) {
            this.name = NamespacedName.of(namespace, sliceName);
            this.service = NamespacedName.of(namespace, service);
            labels.put(SERVICE_NAME_LABEL, service);
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder addressType(AddressType type) {
            this.addressType = type;
            return this;
        }

        public Builder endpoint(Endpoint endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder endpoint(String address, String nodeName) {
            return endpoint(Endpoint.of(address, nodeName));
        }

        public Builder port(String name, Protocol protocol, int port) {
            ports.add(EndpointPort.of(name, protocol, port));
            return this;
        }

        public EndpointSlice build() {
            return new EndpointSlice(name, service, labels, addressType, endpoints, ports);
        }
    }
}
