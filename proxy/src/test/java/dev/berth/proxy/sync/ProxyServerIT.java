package dev.berth.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.kube.KubeConnection;
import dev.berth.kube.testing.ControlPlane;
import dev.berth.proxy.e2e.DeployedRbac;
import dev.berth.proxy.Flags;
import dev.berth.proxy.ProxyServer;
import dev.berth.proxy.rules.NodeConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole proxy as Main runs it, against the real test API server, writing rules into a namespace made for the
 * test: /healthz and /metrics answer over HTTP before and after syncs, a LoadBalancer Service with
 * {@code externalTrafficPolicy: Local} gets its health-check node port (on loopback here) answering by local
 * endpoints, the EndpointSlice's trigger time feeds the network programming metric, and a Node marked for
 * deletion fails /healthz.
 */
class ProxyServerIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void healthMetricsAndHealthCheckNodePortsFollowTheCluster() throws Exception {
        var cp = ControlPlane.shared();
        try (var rbac = DeployedRbac.grant(cp)) {
            run(cp);
        }
    }

    private void run(ControlPlane cp) throws Exception {
        var suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        var node = "proxy-node-" + suffix;
        var namespace = "proxy-health-" + suffix;
        cp.create("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"},
                 "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"}}}""".formatted(node));
        cp.create("/api/v1/namespaces", """
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}""".formatted(namespace));
        try (var ns = TestNamespace.create()) {
            var flags = Flags.parse(List.of("--hostname-override", node, "--healthz-bind-address", "127.0.0.1:0",
                    "--metrics-bind-address", "127.0.0.1:0", "--min-sync-period", "100ms"));
            var syncer = new IptablesSyncer(ns.iptables, NodeConfig.builder(node).localhostNodePorts(false).build());
            var conn = KubeConnection.connect(cp.kubeconfig("proxy").toString(), 50, 100);
            try (var server = ProxyServer.start(conn, ns.iptables, syncer, flags, List.of("127.0.0.1"))) {
                int healthz = server.healthzAddress().getPort();
                int metrics = server.metricsAddress().getPort();
                var first = get(healthz, "/healthz");
                assertEquals(200, first.statusCode(), first.body());
                assertTrue(json.readTree(first.body()).path("healthy").asBoolean());
                ControlPlane.eventually(Duration.ofSeconds(30), "the first full sync in /metrics", () -> body(metrics,
                        "/metrics").contains("kubeproxy_sync_full_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1\n"));
                assertEquals("iptables", body(metrics, "/proxyMode"));

                var svc = cp.create("/api/v1/namespaces/" + namespace + "/services", """
                        {"apiVersion":"v1","kind":"Service","metadata":{"name":"lb"},
                         "spec":{"type":"LoadBalancer","externalTrafficPolicy":"Local",
                                 "ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}""");
                int hcPort = svc.path("spec").path("healthCheckNodePort").asInt();
                assertTrue(hcPort > 0, svc.toString());
                ControlPlane.eventually(Duration.ofSeconds(30), "the health-check node port answers 503",
                        () -> status(hcPort) == 503);

                cp.create("/apis/discovery.k8s.io/v1beta1/namespaces/" + namespace + "/endpointslices", """
                        {"apiVersion":"discovery.k8s.io/v1beta1","kind":"EndpointSlice",
                         "metadata":{"name":"lb-1","labels":{"kubernetes.io/service-name":"lb"},
                                     "annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"%s"}},
                         "addressType":"IPv4",
                         "endpoints":[{"addresses":["10.1.0.1"],"conditions":{"ready":true},
                                       "topology":{"kubernetes.io/hostname":"%s"}}],
                         "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}""".formatted(Instant.now(), node));
                ControlPlane.eventually(Duration.ofSeconds(30), "the health-check node port answers 200",
                        () -> status(hcPort) == 200);
                var answer = get(hcPort, "/");
                assertEquals(1, json.readTree(answer.body()).path("localEndpoints").asInt(), answer.body());
                assertEquals(Map.of("namespace", namespace, "name", "lb"),
                        json.convertValue(json.readTree(answer.body()).path("service"), Map.class));
                assertTrue(body(metrics, "/metrics").contains(
                        "kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv4\"} 1\n"));

                cp.admin.strategicMergePatch("/api/v1/nodes/" + node, json.readTree("""
                        {"spec":{"taints":[{"key":"ToBeDeletedByClusterAutoscaler","effect":"NoSchedule"}]}}"""));
                ControlPlane.eventually(Duration.ofSeconds(30), "a node marked for deletion fails /healthz",
                        () -> status(healthz, "/healthz") == 503);
                assertEquals(200, get(healthz, "/livez").statusCode());

                cp.admin.delete("/api/v1/namespaces/" + namespace + "/services/lb");
                ControlPlane.eventually(Duration.ofSeconds(30), "the health-check node port closes",
                        () -> status(hcPort) == -1);
                assertNotNull(server.proxier().lastOutcome());
            } finally {
                syncer.cleanup();
            }
        } finally {
            cp.admin.delete("/api/v1/namespaces/" + namespace);
            cp.admin.delete("/api/v1/nodes/" + node);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String body(int port, String path) {
        try {
            return get(port, path).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static int status(int port) {
        return status(port, "/");
    }

    /** The status code, or -1 when nothing listens. */
    private static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (IOException | InterruptedException e) {
            return -2;
        }
    }
}
