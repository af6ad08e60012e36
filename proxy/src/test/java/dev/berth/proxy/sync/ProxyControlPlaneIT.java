package dev.berth.proxy.sync;

import dev.berth.kube.testing.ControlPlane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.kube.KubeConnection;
import dev.berth.proxy.rules.ChainNames;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.watch.ClusterState;
import dev.berth.proxy.watch.ClusterWatcher;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * End to end against the real test API server (1.20, EndpointSlices in v1beta1 only): the proxy watches with the
 * {@code berth-proxy} user's least-privilege RBAC, Services and EndpointSlices are created and deleted through the
 * API, and the rules appear in and disappear from a network namespace made for the test.
 */
class ProxyControlPlaneIT {
    @Test
    void servicesAndSlicesFromTheApiBecomeRulesInTheNamespace() throws Exception {
        var cp = ControlPlane.shared();
        grantProxyRbac(cp);
        var namespace = "proxy-e2e-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        cp.create("/api/v1/namespaces", """
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}""".formatted(namespace));
        var svc = cp.create("/api/v1/namespaces/" + namespace + "/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
                 "spec":{"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}""");
        var clusterIP = svc.path("spec").path("clusterIP").asText();

        try (var ns = TestNamespace.create()) {
            var conn = KubeConnection.connect(cp.kubeconfig("proxy").toString(), 50, 100);
            var syncer = new IptablesSyncer(ns.iptables, NodeConfig.builder("node1").localhostNodePorts(false).build());
            var proxierRef = new Proxier[1];
            var state = new ClusterState(() -> {
                if (proxierRef[0] != null) {
                    proxierRef[0].requestSync();
                }
            });
            var proxier = new Proxier(state, syncer, Duration.ofMillis(100), Duration.ofSeconds(30),
                    Proxier.DEFAULT_FULL_SYNC_PERIOD, System::nanoTime);
            try (var watcher = ClusterWatcher.start(conn, state)) {
                assertEquals("v1beta1", watcher.endpointSliceVersion(), "the 1.20 test API server serves v1beta1 only");
                assertTrue(watcher.awaitSynced(Duration.ofSeconds(30)));
                proxierRef[0] = proxier;
                proxier.start(Duration.ofSeconds(1));

                var svcChain = ChainNames.SVC_PREFIX + ChainNames.portProtoHash(namespace + "/web:http", "tcp");
                // No endpoints yet: the filter table rejects the cluster IP.
                await(() -> save(ns).lines().anyMatch(l -> l.startsWith("-A KUBE-SERVICES -d " + clusterIP + "/32")
                        && l.contains(namespace + "/web:http has no endpoints") && l.contains("-j REJECT")),
                        "REJECT rule for the endpoint-less service");

                cp.create("/apis/discovery.k8s.io/v1beta1/namespaces/" + namespace + "/endpointslices", """
                        {"apiVersion":"discovery.k8s.io/v1beta1","kind":"EndpointSlice",
                         "metadata":{"name":"web-1","labels":{"kubernetes.io/service-name":"web"}},
                         "addressType":"IPv4",
                         "endpoints":[{"addresses":["10.1.0.1"],"conditions":{"ready":true},
                                       "topology":{"kubernetes.io/hostname":"node2"}},
                                      {"addresses":["10.1.0.2"],"conditions":{"ready":true},
                                       "topology":{"kubernetes.io/hostname":"node1"}}],
                         "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}""");
                var sep1 = ChainNames.endpointChain(namespace + "/web:http", "tcp", "10.1.0.1:8080");
                await(() -> save(ns).lines().anyMatch(l -> l.startsWith("-A " + sep1 + " ")
                        && l.endsWith("-j DNAT --to-destination 10.1.0.1:8080")), "DNAT to the first endpoint");
                assertTrue(save(ns).contains("-A " + svcChain + " "), "the service chain is written");

                cp.admin.delete("/apis/discovery.k8s.io/v1beta1/namespaces/" + namespace + "/endpointslices/web-1");
                cp.admin.delete("/api/v1/namespaces/" + namespace + "/services/web");
                await(() -> !save(ns).contains(svcChain) && !save(ns).contains(sep1), "chains of the deleted service gone");
            } finally {
                proxier.close();
                syncer.cleanup();
            }
        } finally {
            cp.admin.delete("/api/v1/namespaces/" + namespace);
        }
    }

    /** The proxy's least privilege: read Services, EndpointSlices and Nodes. */
    static void grantProxyRbac(ControlPlane cp) throws Exception {
        try {
            cp.create("/apis/rbac.authorization.k8s.io/v1/clusterroles", """
                    {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"berth-proxy"},
                     "rules":[{"apiGroups":[""],"resources":["services","nodes"],"verbs":["get","list","watch"]},
                              {"apiGroups":["discovery.k8s.io"],"resources":["endpointslices"],"verbs":["get","list","watch"]}]}""");
            cp.create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", """
                    {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"berth-proxy"},
                     "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"berth-proxy"},
                     "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"berth-proxy"}]}""");
        } catch (dev.berth.kube.ApiException e) {
            if (!e.isConflict()) {
                throw e;
            }
        }
    }

    private static String save(TestNamespace ns) {
        try {
            return ns.save();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }
}
