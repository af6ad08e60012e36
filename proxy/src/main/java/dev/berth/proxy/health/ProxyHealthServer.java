package dev.berth.proxy.health;

import dev.berth.kube.http.HttpServer;
import dev.berth.kube.http.HttpServer.Response;
import dev.berth.proxy.metrics.ProxyMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Serves {@link ProxyHealth} on {@code --healthz-bind-address}: {@code /healthz} and {@code /livez} answer 200 or
 * 503 with kube-proxy's JSON body, for any method, and count their answers in {@code kubeproxy_proxy_healthz_total}
 * and {@code kubeproxy_proxy_livez_total}. Other paths are 404, as Go's ServeMux answers them.
 */
public final class ProxyHealthServer implements AutoCloseable {
    private static final String JSON = "application/json";

    private final HttpServer server;

    private ProxyHealthServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code bind}; {@code metrics} may be null. */
    public static ProxyHealthServer start(InetSocketAddress bind, ProxyHealth health, ProxyMetrics metrics)
            throws IOException {
        Objects.requireNonNull(health, "health");
        return new ProxyHealthServer(HttpServer.start("proxy-healthz", bind, request -> switch (request.path()) {
            case "/healthz" -> {
                var a = health.healthz();
                if (metrics != null) {
                    metrics.recordHealthz(a.code());
                }
                yield Response.text(a.code(), JSON, a.body());
            }
            case "/livez" -> {
                var a = health.livez();
                if (metrics != null) {
                    metrics.recordLivez(a.code());
                }
                yield Response.text(a.code(), JSON, a.body());
            }
            default -> Response.text(404, "text/plain; charset=utf-8", "404 page not found\n");
        }));
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
