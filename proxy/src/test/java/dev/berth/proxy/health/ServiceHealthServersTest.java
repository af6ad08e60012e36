package dev.berth.proxy.health;

import static dev.berth.proxy.model.Protocol.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.proxy.model.Endpoint;
import dev.berth.proxy.model.EndpointConditions;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServiceType;
import dev.berth.proxy.model.TrafficPolicy;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceHealthServersTest {
    private static final NamespacedName WEB = NamespacedName.of("shop", "web");
    private static final NamespacedName API = NamespacedName.of("shop", "api");
    private static final NodeConfig NODE = NodeConfig.builder("node1").build();

    private final AtomicBoolean proxyHealthy = new AtomicBoolean(true);
    private final ServiceHealthServers servers = new ServiceHealthServers(List.of("127.0.0.1"), proxyHealthy::get);

    @AfterEach
    void close() {
        servers.close();
    }

    @Test
    void answersByLocalEndpointCountWithKubeProxysBodyAndHeaders() throws Exception {
        int port = freePort();
        servers.syncServices(Map.of(WEB, port));

        var none = HttpGet.get(port, "/");
        assertEquals(503, none.statusCode());
        assertEquals("0", none.headers().firstValue("x-load-balancing-endpoint-weight").orElseThrow());
        assertEquals("application/json", none.headers().firstValue("content-type").orElseThrow());
        assertEquals("nosniff", none.headers().firstValue("x-content-type-options").orElseThrow());
        assertEquals("""
                {
                \t"service": {
                \t\t"namespace": "shop",
                \t\t"name": "web"
                \t},
                \t"localEndpoints": 0,
                \t"serviceProxyHealthy": true
                }""", none.body());

        servers.syncEndpoints(Map.of(WEB, 2, API, 5));
        var two = HttpGet.get(port, "/any/path");
        assertEquals(200, two.statusCode());
        assertEquals("2", two.headers().firstValue("x-load-balancing-endpoint-weight").orElseThrow());

        proxyHealthy.set(false);
        var unhealthy = HttpGet.get(port, "/");
        assertEquals(503, unhealthy.statusCode(), "an unhealthy proxy fails every health check");
        assertEquals(true, unhealthy.body().contains("\"serviceProxyHealthy\": false"));

        proxyHealthy.set(true);
        servers.syncEndpoints(Map.of());
        assertEquals(503, HttpGet.get(port, "/").statusCode(), "a Service missing from the counts has none");
    }

    @Test
    void listenersOpenAndCloseAsServicesComeAndGo() throws Exception {
        int webPort = freePort();
        int apiPort = freePort();
        servers.syncServices(Map.of(WEB, webPort, API, apiPort));
        assertEquals(Map.of(API, apiPort, WEB, webPort), servers.ports());

        servers.syncServices(Map.of(API, apiPort));
        assertThrows(ConnectException.class, () -> HttpGet.get(webPort, "/"));
        assertEquals(503, HttpGet.get(apiPort, "/").statusCode());

        int moved = freePort();
        servers.syncServices(Map.of(API, moved));
        assertThrows(ConnectException.class, () -> HttpGet.get(apiPort, "/"));
        assertEquals(503, HttpGet.get(moved, "/").statusCode());
    }

    @Test
    void aPortInUseIsSkippedWithoutAffectingOthersAndRetriedOnTheNextSync() throws Exception {
        int apiPort = freePort();
        int taken;
        try (var squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            taken = squatter.getLocalPort();
            servers.syncServices(Map.of(WEB, taken, API, apiPort));
            assertEquals(Map.of(API, apiPort), servers.ports());
            assertEquals(503, HttpGet.get(apiPort, "/").statusCode());
        }
        servers.syncServices(Map.of(WEB, taken, API, apiPort));
        assertEquals(Map.of(API, apiPort, WEB, taken), servers.ports());
    }

    static Stream<Arguments> healthCheckPorts() {
        var lb = Service.builder("shop", "web").type(ServiceType.LOAD_BALANCER).clusterIPs("10.96.0.10")
                .port("http", TCP, 80, 30080).externalTrafficPolicy(TrafficPolicy.LOCAL).healthCheckNodePort(32000);
        return Stream.of(
                Arguments.of("LoadBalancer with Local policy", lb.build(), Map.of(WEB, 32000)),
                Arguments.of("Cluster policy has no health check",
                        lb.build().toBuilder().externalTrafficPolicy(TrafficPolicy.CLUSTER).build(), Map.of()),
                Arguments.of("NodePort has no health check",
                        lb.build().toBuilder().type(ServiceType.NODE_PORT).build(), Map.of()),
                Arguments.of("no port allocated", lb.build().toBuilder().healthCheckNodePort(0).build(), Map.of()),
                Arguments.of("another proxy's Service",
                        lb.build().toBuilder().label(Service.SERVICE_PROXY_NAME_LABEL, "other").build(), Map.of()),
                Arguments.of("no cluster IP of the node's family",
                        lb.build().toBuilder().clusterIPs("fd00::10").build(), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("healthCheckPorts")
    void healthCheckNodePortsAreThoseOfLocalLoadBalancers(String name, Service service,
                                                         Map<NamespacedName, Integer> expected) {
        assertEquals(expected, ServiceHealthServers.healthCheckNodePorts(new ProxyState(List.of(service), List.of()), NODE));
    }

    static Stream<Arguments> localEndpoints() {
        var local = Endpoint.of("10.1.0.1", "node1");
        return Stream.of(
                Arguments.of("local ready endpoints count", List.of(slice("web", local, Endpoint.of("10.1.0.2", "node1"))),
                        Map.of(WEB, 2)),
                Arguments.of("remote endpoints do not", List.of(slice("web", local, Endpoint.of("10.1.0.3", "node2"))),
                        Map.of(WEB, 1)),
                Arguments.of("terminating or unready endpoints do not",
                        List.of(slice("web", local.withConditions(EndpointConditions.SERVING_TERMINATING),
                                Endpoint.of("10.1.0.2", "node1").withConditions(EndpointConditions.NOT_READY))),
                        Map.of()),
                Arguments.of("one IP in two slices (two ports) counts once",
                        List.of(slice("web", local), EndpointSlice.builder("shop", "web", "web-2")
                                .port("https", TCP, 8443).endpoint(local).build()),
                        Map.of(WEB, 1)),
                Arguments.of("per Service", List.of(slice("web", local), slice("api", Endpoint.of("10.1.0.9", "node1"))),
                        Map.of(WEB, 1, API, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("localEndpoints")
    void localReadyEndpointsCountDistinctReadyIPsOnThisNode(String name, List<EndpointSlice> slices,
                                                           Map<NamespacedName, Integer> expected) {
        assertEquals(expected, ServiceHealthServers.localReadyEndpoints(new ProxyState(List.of(), slices), NODE));
    }

    private static EndpointSlice slice(String service, Endpoint... endpoints) {
        var b = EndpointSlice.builder("shop", service, service + "-1").port("http", TCP, 8080);
        for (var ep : endpoints) {
            b.endpoint(ep);
        }
        return b.build();
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }
}
