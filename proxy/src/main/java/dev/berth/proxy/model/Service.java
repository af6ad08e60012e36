package dev.berth.proxy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The fields of a v1 Service that a service proxy acts on.
 *
 * @param clusterIPs          {@code spec.clusterIPs} (or the single {@code spec.clusterIP}); {@code ["None"]} when headless
 * @param healthCheckNodePort 0 when none is allocated
 */
public record Service(
        NamespacedName name,
        Map<String, String> labels,
        ServiceType type,
        List<String> clusterIPs,
        List<ServicePort> ports,
        List<String> externalIPs,
        List<LoadBalancerIngress> loadBalancerIngress,
        SessionAffinity sessionAffinity,
        TrafficPolicy externalTrafficPolicy,
        TrafficPolicy internalTrafficPolicy,
        int healthCheckNodePort,
        List<String> loadBalancerSourceRanges) {

    /** A Service carrying this label names the proxy that serves it; kube-proxy serves only Services without it. */
    public static final String SERVICE_PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";
    /** Set by the control plane on headless Services and their EndpointSlices; kube-proxy ignores both. */
    public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    public Service {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(type, "type");
        clusterIPs = List.copyOf(clusterIPs);
        ports = List.copyOf(ports);
        externalIPs = List.copyOf(externalIPs);
        loadBalancerIngress = List.copyOf(loadBalancerIngress);
        Objects.requireNonNull(sessionAffinity, "sessionAffinity");
        Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
        Objects.requireNonNull(internalTrafficPolicy, "internalTrafficPolicy");
        loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
    }

    /** True when {@code clusterIP} is unset or {@code None}: there is no virtual IP to capture. */
    public boolean isHeadless() {
        return clusterIPs.isEmpty() || clusterIPs.getFirst().isEmpty() || clusterIPs.getFirst().equals("None");
    }

    /**
     * Why a service proxy leaves this Service alone, or null if it serves it: headless and ExternalName
     * Services have no virtual IP, and a Service labelled with a proxy name belongs to that proxy.
     */
    public String skipReason() {
        if (labels.containsKey(SERVICE_PROXY_NAME_LABEL)) {
            return "it names service proxy '" + labels.get(SERVICE_PROXY_NAME_LABEL) + "'";
        }
        if (labels.containsKey(HEADLESS_LABEL)) {
            return "it is labelled headless";
        }
        if (type == ServiceType.EXTERNAL_NAME) {
            return "it is of type ExternalName";
        }
        if (isHeadless()) {
            return "it has no cluster IP";
        }
        return null;
    }

    /** Reachable other than by cluster IP: kube-proxy's test for whether external traffic policy applies. */
    public boolean externallyAccessible() {
        return type == ServiceType.LOAD_BALANCER || type == ServiceType.NODE_PORT
                || (type == ServiceType.CLUSTER_IP && !externalIPs.isEmpty());
    }

    /** {@code externalTrafficPolicy: Local} counts only for externally accessible Services. */
    public boolean externalPolicyLocal() {
        return externallyAccessible() && externalTrafficPolicy == TrafficPolicy.LOCAL;
    }

    public boolean internalPolicyLocal() {
        return internalTrafficPolicy == TrafficPolicy.LOCAL;
    }

    /** A health-check node port is served only for LoadBalancer Services with Local external policy. */
    public boolean needsHealthCheck() {
        return type == ServiceType.LOAD_BALANCER && externalPolicyLocal();
    }

    public static Builder builder(String namespace, String name) {
        return new Builder(NamespacedName.of(namespace, name));
    }

    public Builder toBuilder() {
        var b = new Builder(name);
        b.labels.putAll(labels);
        b.type = type;
        b.clusterIPs.addAll(clusterIPs);
        b.ports.addAll(ports);
        b.externalIPs.addAll(externalIPs);
        b.loadBalancerIngress.addAll(loadBalancerIngress);
        b.sessionAffinity = sessionAffinity;
        b.externalTrafficPolicy = externalTrafficPolicy;
        b.internalTrafficPolicy = internalTrafficPolicy;
        b.healthCheckNodePort = healthCheckNodePort;
        b.loadBalancerSourceRanges.addAll(loadBalancerSourceRanges);
        return b;
    }

    /** Builds a Service with API defaults for everything not set. */
    public static final class Builder {
        private final NamespacedName name;
        private final Map<String, String> labels = new TreeMap<>();
        private ServiceType type = ServiceType.CLUSTER_IP;
        private final List<String> clusterIPs = new ArrayList<>();
        private final List<ServicePort> ports = new ArrayList<>();
        private final List<String> externalIPs = new ArrayList<>();
        private final List<LoadBalancerIngress> loadBalancerIngress = new ArrayList<>();
        private SessionAffinity sessionAffinity = SessionAffinity.NONE;
        private TrafficPolicy externalTrafficPolicy = TrafficPolicy.CLUSTER;
        private TrafficPolicy internalTrafficPolicy = TrafficPolicy.CLUSTER;
        private int healthCheckNodePort;
        private final List<String> loadBalancerSourceRanges = new ArrayList<>();

        private Builder(NamespacedName name) {
            this.name = name;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder type(ServiceType type) {
            this.type = type;
            return this;
        }

        public Builder clusterIPs(String... ips) {
            clusterIPs.clear();
            clusterIPs.addAll(List.of(ips));
            return this;
        }

        public Builder port(ServicePort port) {
            ports.add(port);
            return this;
        }

        public Builder port(String name, Protocol protocol, int port) {
            return port(ServicePort.of(name, protocol, port));
        }

        public Builder port(String name, Protocol protocol, int port, int nodePort) {
            return port(ServicePort.of(name, protocol, port).withNodePort(nodePort));
        }

        public Builder externalIPs(String... ips) {
            externalIPs.addAll(List.of(ips));
            return this;
        }

        public Builder loadBalancerIngress(LoadBalancerIngress ingress) {
            loadBalancerIngress.add(ingress);
            return this;
        }

        public Builder loadBalancerIPs(String... ips) {
            for (var ip : ips) {
                loadBalancerIngress.add(LoadBalancerIngress.vip(ip));
            }
            return this;
        }

        public Builder sessionAffinity(SessionAffinity affinity) {
            this.sessionAffinity = affinity;
            return this;
        }

        public Builder externalTrafficPolicy(TrafficPolicy policy) {
            this.externalTrafficPolicy = policy;
            return this;
        }

        public Builder internalTrafficPolicy(TrafficPolicy policy) {
            this.internalTrafficPolicy = policy;
            return this;
        }

        public Builder healthCheckNodePort(int port) {
            this.healthCheckNodePort = port;
            return this;
        }

        public Builder loadBalancerSourceRanges(String... ranges) {
            loadBalancerSourceRanges.addAll(List.of(ranges));
            return this;
        }

        public Service build() {
            return new Service(name, labels, type, clusterIPs, ports, externalIPs, loadBalancerIngress,
                    sessionAffinity, externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort,
                    loadBalancerSourceRanges);
        }
    }
}
