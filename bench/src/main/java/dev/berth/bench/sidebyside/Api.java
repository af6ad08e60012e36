package dev.berth.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The harness's own line to the test API server: the JDK HTTP client with the admin token of a
 * kubeconfig. It deliberately shares no code with berth-scheduler's or berth-proxy's client, so the
 * harnesses measure them without leaning on them.
 */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();
    // Go's HTTP/2 server caps concurrent streams per connection; stay well below it.
    private static final int MAX_IN_FLIGHT = 64;

    private final URI server;
    private final String token;
    private final HttpClient http;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    private Api(URI server, String token, HttpClient http) {
        this.server = server;
        this.token = token;
        this.http = http;
    }

    /** Connects with the first cluster and user of a kubeconfig written by {@code controlplane.sh}. */
    public static Api fromKubeconfig(Path kubeconfig) throws IOException {
        JsonNode kc = new YAMLMapper().readTree(kubeconfig.toFile());
        String server = kc.path("clusters").path(0).path("cluster").path("server").asText("");
        String token = kc.path("users").path(0).path("user").path("token").asText("");
        if (server.isEmpty() || token.isEmpty()) {
            throw new IOException(kubeconfig + ": needs clusters[0].cluster.server and users[0].user.token");
        }
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(10)).build();
        return new Api(URI.create(server.replaceAll("/+$", "")), token, http);
    }

    // The API server lives on loopback with a self-signed certificate made at start-up.
    private static SSLContext trustAll() throws IOException {
        var tm = new X509ExtendedTrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public void checkServerTrusted(X509Certificate[] c, String a) {}
            public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
            public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("setting up TLS for the test API server: " + e.getMessage(), e);
        }
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build(), "GET " + path);
    }

    public JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        var req = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        return send(req, "POST " + path);
    }

    /** A JSON merge patch (RFC 7386): arrays in {@code patch} replace the object's arrays whole. */
    public JsonNode mergePatch(String path, JsonNode patch) throws IOException, InterruptedException {
        var req = request(path).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(patch))).build();
        return send(req, "PATCH " + path);
    }

    /** Every item of a list, read in pages of 500 so a 10,000-pod list never lands in one reply. */
    public List<JsonNode> list(String path) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String cont = "";
        do {
            String sep = path.contains("?") ? "&" : "?";
            JsonNode page = get(path + sep + "limit=500" + (cont.isEmpty() ? "" : "&continue=" + cont));
            page.path("items").forEach(items::add);
            cont = page.path("metadata").path("continue").asText("");
        } while (!cont.isEmpty());
        return items;
    }

    /**
     * Streams a watch until the server ends it or {@code onEvent} throws {@link StopWatch}; each event
     * is a {@code {type, object}} tree. {@code onOpen} runs once the server has accepted the watch.
     */
    void watch(String path, Runnable onOpen, Consumer<JsonNode> onEvent) throws IOException, InterruptedException {
        // No request timeout: a watch stays open until the server's timeoutSeconds ends it.
        var req = HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build();
        HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
        if (resp.statusCode() != 200) {
            String body;
            try (var lines = resp.body()) {
                body = String.join("\n", lines.limit(5).toList());
            }
            throw new IOException("WATCH " + path + ": HTTP " + resp.statusCode() + ": " + body);
        }
        onOpen.run();
        try (var lines = resp.body()) {
            lines.filter(l -> !l.isBlank()).forEach(l -> {
                try {
                    onEvent.accept(JSON.readTree(l));
                } catch (IOException e) {
                    throw new IllegalStateException("WATCH " + path + ": undecodable event: " + e.getMessage(), e);
                }
            });
        } catch (StopWatch stop) {
            // The caller has seen what it waited for.
        }
    }

    /** Thrown by a watch consumer to end the watch early. */
    static final class StopWatch extends RuntimeException {
        StopWatch() {
            super(null, null, false, false);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").timeout(Duration.ofMinutes(2));
    }

    private JsonNode send(HttpRequest req, String what) throws IOException, InterruptedException {
        inFlight.acquire();
        try {
            HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() / 100 != 2) {
                String text = new String(resp.body(), java.nio.charset.StandardCharsets.UTF_8);
                throw new IOException(what + ": HTTP " + resp.statusCode() + ": "
                        + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
            }
            return JSON.readTree(resp.body());
        } finally {
            inFlight.release();
        }
    }
}
