package dev.berth.scheduler.cluster.http;

import dev.berth.kube.http.Health;
import dev.berth.kube.http.HttpServer;
import dev.berth.kube.http.HttpServer.Request;
import dev.berth.kube.http.HttpServer.Response;
import dev.berth.kube.http.Registry;
import dev.berth.kube.http.TextFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The scheduler's HTTP endpoints, as kube-scheduler serves them on its secure port (here plain
 * HTTP): {@code /healthz} and {@code /livez} answer whether the process works, {@code /readyz}
 * whether it is ready to serve (caches synced, not shutting down; leadership does not matter, so a
 * standby replica is ready too), and {@code /metrics} the Prometheus text of a {@link Registry}.
 * Served by kube-client's {@link HttpServer}: one acceptor and one worker platform thread.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code bind} (port 0 picks a free port; see {@link #port()}).
     *
     * @param healthy answers {@code /healthz} and {@code /livez}
     * @param ready   answers {@code /readyz}
     * @throws IOException when the address cannot be bound (in use, not local, no permission)
     */
    public static HealthServer start(InetSocketAddress bind, Registry metrics, Supplier<Health> healthy,
                                     Supplier<Health> ready) throws IOException {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(healthy, "healthy");
        Objects.requireNonNull(ready, "ready");
        HttpServer server;
        try {
            server = HttpServer.start("berth-http", bind, request -> answer(request, metrics, healthy, ready));
        } catch (IOException e) {
            throw new IOException("cannot serve health and metrics endpoints on " + bind + ": " + e.getMessage(), e);
        }
        LOG.info("serving /healthz /livez /readyz /metrics address={}", server.address());
        return new HealthServer(server);
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** The port actually bound (the ephemeral one when started on port 0). */
    public int port() {
        return server.port();
    }

    /** Stops listening, lets answers in flight finish and stops both threads; idempotent. */
    @Override
    public void close() {
        server.close();
    }

    private static Response answer(Request request, Registry metrics, Supplier<Health> healthy,
                                   Supplier<Health> ready) {
        String path = request.path();
        boolean known = switch (path) {
            case "/healthz", "/livez", "/readyz", "/metrics" -> true;
            default -> false;
        };
        if (!known) {
            return Response.text(404, TEXT, "404 page not found\n");
        }
        if (!request.method().equals("GET")) {
            return Response.text(405, TEXT, "method not allowed\n").withHeader("Allow", "GET");
        }
        return switch (path) {
            case "/healthz", "/livez" -> check(healthy, "unhealthy: ");
            case "/readyz" -> check(ready, "not ready: ");
            default -> scrape(metrics);
        };
    }

    private static Response check(Supplier<Health> check, String failurePrefix) {
        Health health;
        try {
            health = Objects.requireNonNullElse(check.get(), Health.ok());
        } catch (RuntimeException e) {
            health = Health.failing("check failed: " + e);
        }
        return switch (health) {
            case Health.Ok ok -> Response.text(200, TEXT, "ok");
            case Health.Failing(String reason) -> Response.text(500, TEXT, failurePrefix + reason);
        };
    }

    private static Response scrape(Registry metrics) {
        String body;
        try {
            body = metrics.scrape();
        } catch (RuntimeException e) {
            LOG.warn("metrics scrape failed error={}", e.toString());
            return Response.text(500, TEXT, "metrics unavailable: " + e + "\n");
        }
        return Response.text(200, TextFormat.CONTENT_TYPE, body);
    }
}
