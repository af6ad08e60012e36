package dev.berth.proxy.metrics;

import dev.berth.kube.http.HttpServer;
import dev.berth.kube.http.HttpServer.Response;
import dev.berth.kube.http.TextFormat;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Serves {@code --metrics-bind-address} as kube-proxy does: {@code /metrics} (Prometheus text), {@code /healthz}
 * ({@code ok} while the process runs) and {@code /proxyMode} ({@code iptables}).
 */
public final class MetricsServer implements AutoCloseable {
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    public static MetricsServer start(InetSocketAddress bind, ProxyMetrics metrics) throws IOException {
        return new MetricsServer(HttpServer.start("proxy-metrics", bind, request -> switch (request.path()) {
            case "/metrics" -> Response.text(200, TextFormat.CONTENT_TYPE, metrics.scrape());
            case "/healthz" -> Response.text(200, TEXT, "ok");
            case "/proxyMode" -> Response.text(200, TEXT, "iptables");
            default -> Response.text(404, TEXT, "404 page not found\n");
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
