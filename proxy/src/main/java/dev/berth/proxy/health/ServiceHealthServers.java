package dev.berth.proxy.health;

import dev.berth.kube.http.HttpServer;
import dev.berth.kube.http.HttpServer.Response;
import dev.berth.proxy.model.AddressType;
import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.net.IpAddress;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health-check node-port servers of kube-proxy's service health server: one HTTP listener per Service of type
 * LoadBalancer with {@code externalTrafficPolicy: Local}, on its {@code healthCheckNodePort}, so a cloud load
 * balancer sends traffic only to nodes with a ready local endpoint. Every request (any path, any method) answers
 * 200 when the Service has local ready endpoints and the proxy is healthy, else 503, with a JSON body naming the
 * Service and the count, and the count again in {@code X-Load-Balancing-Endpoint-Weight}.
 *
 * <p>{@link #syncServices} opens and closes listeners as Services come and go (a port that cannot be bound is
 * logged and tried again on the next sync, without affecting the others); {@link #syncEndpoints} updates the
 * counts. All listeners share two threads. Thread-safe.
 */
public final class ServiceHealthServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHealthServers.class);

    private final List<String> addresses;
    private final BooleanSupplier proxyHealthy;
    private final HttpServer.Loops loops = new HttpServer.Loops("service-healthcheck");
    private final Map<NamespacedName, Instance> services = new HashMap<>();

    /** One Service's listeners and its local endpoint count. */
    private static final class Instance {
        final int port;
        final List<HttpServer> servers = new ArrayList<>();
        volatile int endpoints;

        Instance(int port) {
            this.port = port;
        }

        void close() {
            servers.forEach(HttpServer::close);
        }
    }

    /**
     * @param addresses    the addresses each health-check port listens on (kube-proxy: every address, or the
     *                     node port addresses when those are configured)
     * @param proxyHealthy whether the proxy itself is healthy ({@link ProxyHealth#isHealthy()})
     */
    public ServiceHealthServers(List<String> addresses, BooleanSupplier proxyHealthy) {
        this.addresses = List.copyOf(addresses);
        this.proxyHealthy = proxyHealthy;
    }

    /** Listens where kube-proxy does for this node: its node port addresses, or every IPv4 address. */
    public static ServiceHealthServers forNode(NodeConfig config, BooleanSupplier proxyHealthy) {
        var addresses = config.nodePortAddresses().isEmpty()
                ? List.of(config.ipFamily() == IpFamily.IPV6 ? "::" : "0.0.0.0") : config.nodePortAddresses();
        return new ServiceHealthServers(addresses, proxyHealthy);
    }

    /** Makes the open listeners match {@code healthCheckPorts} (Service to port); a changed port is reopened. */
    public synchronized void syncServices(Map<NamespacedName, Integer> healthCheckPorts) {
        for (var it = services.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            var port = healthCheckPorts.get(e.getKey());
            if (port == null || port != e.getValue().port) {
                LOG.info("closing health check service={} port={}", e.getKey(), e.getValue().port);
                e.getValue().close();
                it.remove();
            }
        }
        for (var e : new TreeMap<>(healthCheckPorts).entrySet()) {
            var name = e.getKey();
            if (services.containsKey(name)) {
                continue;
            }
            var instance = new Instance(e.getValue());
            try {
                for (var address : addresses) {
                    instance.servers.add(HttpServer.start("service-healthcheck",
                            new InetSocketAddress(address, instance.port), request -> answer(name, instance), loops));
                }
            } catch (IOException e1) {
                // Closed so that a later sync can try again, or another owner of the port can have it.
                instance.close();
                LOG.error("cannot start health check service={} port={} error=\"{}\"", name, instance.port,
                        e1.getMessage());
                continue;
            }
            LOG.info("opened health check service={} port={}", name, instance.port);
            services.put(name, instance);
        }
    }

    /** Sets each served Service's local ready endpoint count; Services missing from the map have none. */
    public synchronized void syncEndpoints(Map<NamespacedName, Integer> localEndpoints) {
        services.forEach((name, instance) -> instance.endpoints = localEndpoints.getOrDefault(name, 0));
    }

    /** The Services served now and their ports. */
    public synchronized Map<NamespacedName, Integer> ports() {
        var out = new TreeMap<NamespacedName, Integer>();
        services.forEach((name, instance) -> out.put(name, instance.port));
        return out;
    }

    private Response answer(NamespacedName name, Instance instance) {
        int count = instance.endpoints;
        boolean healthy = proxyHealthy.getAsBoolean();
        var body = "{\n\t\"service\": {\n\t\t\"namespace\": " + quote(name.namespace()) + ",\n\t\t\"name\": "
                + quote(name.name()) + "\n\t},\n\t\"localEndpoints\": " + count + ",\n\t\"serviceProxyHealthy\": "
                + healthy + "\n}";
        return Response.text(count != 0 && healthy ? 200 : 503, "application/json", body)
                .withHeader("X-Load-Balancing-Endpoint-Weight", Integer.toString(count));
    }

    /** A JSON string; namespaces and names are DNS labels, but quote anyway. */
    private static String quote(String s) {
        var out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * The health-check node ports to serve: those of Services this proxy handles, of type LoadBalancer with
     * {@code externalTrafficPolicy: Local} and a port allocated, with a cluster IP of the node's family.
     */
    public static Map<NamespacedName, Integer> healthCheckNodePorts(ProxyState state, NodeConfig config) {
        var out = new TreeMap<NamespacedName, Integer>();
        for (var service : state.services()) {
            if (service.skipReason() != null || !service.needsHealthCheck() || service.healthCheckNodePort() == 0
                    || service.ports().isEmpty()) {
                continue;
            }
            boolean hasFamily = service.clusterIPs().stream().anyMatch(ip -> IpAddress.family(ip) == config.ipFamily());
            if (hasFamily) {
                out.put(service.name(), service.healthCheckNodePort());
            }
        }
        return out;
    }

    /**
     * Per Service, how many distinct IPs of ready endpoints on this node its EndpointSlices list (an endpoint
     * serving two ports counts once), as kube-proxy counts them for health checks.
     */
    public static Map<NamespacedName, Integer> localReadyEndpoints(ProxyState state, NodeConfig config) {
        var addressType = config.ipFamily() == IpFamily.IPV6 ? AddressType.IPV6 : AddressType.IPV4;
        var ips = new HashMap<NamespacedName, Set<String>>();
        for (var slice : state.endpointSlices()) {
            if (slice.skipReason() != null || slice.addressType() != addressType || config.nodeName().isEmpty()) {
                continue;
            }
            boolean hasPort = slice.ports().stream().anyMatch(p -> p.port() != null && p.port() != 0);
            if (!hasPort) {
                continue;
            }
            for (var ep : slice.endpoints()) {
                if (!ep.addresses().isEmpty() && ep.conditions().isReady() && config.nodeName().equals(ep.nodeName())) {
                    ips.computeIfAbsent(slice.service(), k -> new HashSet<>()).add(ep.addresses().getFirst());
                }
            }
        }
        var out = new TreeMap<NamespacedName, Integer>();
        ips.forEach((name, set) -> out.put(name, set.size()));
        return out;
    }

    /** Closes every listener and the shared threads. */
    @Override
    public synchronized void close() {
        services.values().forEach(Instance::close);
        services.clear();
        loops.close();
    }
}
