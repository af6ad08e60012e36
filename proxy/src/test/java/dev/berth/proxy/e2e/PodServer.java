package dev.berth.proxy.e2e;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A pod's HTTP server inside the pod's network namespace: every request is answered with
 * {@code "<pod name> <client source address>"}, which is what the tests count and check.
 */
final class PodServer implements AutoCloseable {
    static final int PORT = 8080;

    private final HttpServer server;

    private PodServer(HttpServer server) {
        this.server = server;
    }

    static PodServer start(NetworkNamespace pod, String podName) throws Exception {
        // The listening socket is bound inside the pod's namespace; the server's threads start out here.
        var server = pod.call(() -> HttpServer.create(new InetSocketAddress(PORT), 16));
        server.createContext("/", exchange -> {
            var body = (podName + " " + exchange.getRemoteAddress().getAddress().getHostAddress() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new PodServer(server);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
