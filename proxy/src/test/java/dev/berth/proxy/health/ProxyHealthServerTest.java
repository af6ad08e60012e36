package dev.berth.proxy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.model.IpFamily;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProxyHealthServerTest {
    @Test
    void servesHealthzAndLivezAsJsonAndCountsTheAnswers() throws Exception {
        var clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
        var health = new ProxyHealth(Duration.ofSeconds(60), clock, IpFamily.IPV4);
        var metrics = new ProxyMetrics(IpFamily.IPV4);
        try (var server = ProxyHealthServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), health,
                metrics)) {
            health.updated();
            var ok = HttpGet.get(server.port(), "/healthz");
            assertEquals(200, ok.statusCode());
            assertEquals("application/json", ok.headers().firstValue("content-type").orElseThrow());
            assertEquals("nosniff", ok.headers().firstValue("x-content-type-options").orElseThrow());
            assertTrue(new ObjectMapper().readTree(ok.body()).path("healthy").asBoolean());

            health.setNodeEligible(false);
            assertEquals(503, HttpGet.get(server.port(), "/healthz").statusCode());
            assertEquals(200, HttpGet.get(server.port(), "/livez").statusCode());
            assertEquals(404, HttpGet.get(server.port(), "/metrics").statusCode());

            var scrape = metrics.scrape();
            assertTrue(scrape.contains("kubeproxy_proxy_healthz_total{code=\"200\"} 1\n"), scrape);
            assertTrue(scrape.contains("kubeproxy_proxy_healthz_total{code=\"503\"} 1\n"), scrape);
            assertTrue(scrape.contains("kubeproxy_proxy_livez_total{code=\"200\"} 1\n"), scrape);
        }
    }

    @Test
    void nodeEligibilityFollowsDeletionAndTheAutoscalerTaint() throws Exception {
        var json = new ObjectMapper();
        assertTrue(NodeEligibility.of(json.readTree("{\"metadata\":{\"name\":\"n\"}}")));
        assertEquals(false, NodeEligibility.of(json.readTree(
                "{\"metadata\":{\"name\":\"n\",\"deletionTimestamp\":\"2024-05-01T10:00:00Z\"}}")));
        assertEquals(false, NodeEligibility.of(json.readTree(
                "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"taints\":[{\"key\":\"ToBeDeletedByClusterAutoscaler\","
                        + "\"effect\":\"NoSchedule\"}]}}")));
        assertTrue(NodeEligibility.of(json.readTree(
                "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"taints\":[{\"key\":\"other\",\"effect\":\"NoSchedule\"}]}}")));
    }
}
