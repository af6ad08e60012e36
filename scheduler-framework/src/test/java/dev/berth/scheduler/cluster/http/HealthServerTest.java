package dev.berth.scheduler.cluster.http;

import dev.berth.kube.http.Health;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthServerTest {
    private final Metrics metrics = new Metrics();
    private final AtomicReference<Health> healthy = new AtomicReference<>(Health.ok());
    private final AtomicReference<Health> ready = new AtomicReference<>(Health.failing("caches not synced"));
    private HealthServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = HealthServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                metrics.registry(), healthy::get, ready::get);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    static Stream<Arguments> checks() {
        return Stream.of(
                Arguments.of("healthz passes", "/healthz", Health.ok(), 200, "ok"),
                Arguments.of("livez passes", "/livez", Health.ok(), 200, "ok"),
                Arguments.of("healthz with a query", "/healthz?verbose", Health.ok(), 200, "ok"),
                Arguments.of("healthz fails", "/healthz", Health.failing("lease renewal overdue"), 500,
                        "unhealthy: lease renewal overdue"),
                Arguments.of("livez fails", "/livez", Health.failing("scheduling loop died"), 500,
                        "unhealthy: scheduling loop died"),
                Arguments.of("readyz passes", "/readyz", Health.ok(), 200, "ok"),
                Arguments.of("readyz fails", "/readyz", Health.failing("caches not synced"), 500,
                        "not ready: caches not synced"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void checksAnswerPerTheirSupplier(String name, String path, Health answer, int status, String body)
            throws Exception {
        healthy.set(answer);
        ready.set(answer);
        var response = get(path);
        assertEquals(status, response.statusCode());
        assertEquals(body, response.body());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void checksFollowTheSupplierFromOneRequestToTheNext() throws Exception {
        assertEquals(500, get("/readyz").statusCode());
        ready.set(Health.ok());
        assertEquals(200, get("/readyz").statusCode());
    }

    @Test
    void aThrowingCheckIsAFailureNotACrash() throws Exception {
        server.close();
        server = HealthServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics.registry(),
                () -> { throw new IllegalStateException("boom"); }, Health::ok);
        var response = get("/healthz");
        assertEquals(500, response.statusCode());
        assertEquals("unhealthy: check failed: java.lang.IllegalStateException: boom", response.body());
    }

    @Test
    void metricsServesTheRegistryInTheTextFormat() throws Exception {
        metrics.recordAttempt("default-scheduler", Metrics.SCHEDULED, Duration.ofMillis(5));
        var response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("content-type").orElseThrow());
        assertEquals(metrics.scrape(), response.body());
        assertTrue(response.body().contains(
                "scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 1\n"));
    }

    @Test
    void unknownPathsAre404() throws Exception {
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/metrics/resources").statusCode());
        assertEquals(404, get("/healthz/ping").statusCode());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        var post = client.send(HttpRequest.newBuilder(uri("/healthz")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("allow").orElseThrow());
        var delete = client.send(HttpRequest.newBuilder(uri("/metrics")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
    }

    @Test
    void servesTheEphemeralPortItReportsOnLoopback() {
        assertTrue(server.port() > 0);
        assertTrue(server.address().getAddress().isLoopbackAddress());
    }

    @Test
    void aTakenPortIsAnIOExceptionNamingTheAddress() {
        var taken = server.address();
        var e = assertThrows(IOException.class, () -> HealthServer.start(taken, metrics.registry(), Health::ok, Health::ok));
        assertTrue(e.getMessage().contains(String.valueOf(taken.getPort())), e.getMessage());
    }

    @Test
    void closeStopsListeningAndIsIdempotent() throws Exception {
        assertEquals(200, get("/healthz").statusCode());
        server.close();
        server.close();
        assertThrows(ConnectException.class, () -> get("/healthz"));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://" + server.address().getAddress().getHostAddress() + ":" + server.port() + path);
    }
}
