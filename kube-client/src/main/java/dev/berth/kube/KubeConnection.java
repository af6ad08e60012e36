package dev.berth.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A line to the API server, shared by the scheduler and the proxy. client-java supplies authentication, TLS and the HTTP
 * client; objects are read as plain JSON trees (and turned into the model by the caller), so fields a
 * newer server adds never break decoding. Requests other than watches share a {@code qps}/{@code burst}
 * token bucket, as client-go's rate limiter does.
 */
public final class KubeConnection {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType STRATEGIC_MERGE = MediaType.get("application/strategic-merge-patch+json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Sees every request as "SOURCE METHOD path?query", SOURCE naming the credentials. A test hook only
     * (tests compare the calls made with the RBAC granted); public because those tests live in other
     * modules. Production code leaves it as the no-op.
     */
    public static volatile Consumer<String> requestObserver = r -> {};

    private final String server;
    private final OkHttpClient http;
    private final OkHttpClient watchHttp;
    private final RateLimiter limiter;

    private KubeConnection(ApiClient client, String source, float qps, int burst) {
        this.server = client.getBasePath().replaceAll("/+$", "");
        // client-java applies credentials per request inside ApiClient, not in OkHttp: do the same here.
        OkHttpClient base = client.getHttpClient().newBuilder().addInterceptor(chain -> {
            Map<String, String> headers = new HashMap<>();
            try {
                client.updateParamsForAuth(new String[] {"BearerToken"}, new ArrayList<>(), headers, new HashMap<>(), null,
                        chain.request().method(), chain.request().url().uri());
            } catch (io.kubernetes.client.openapi.ApiException e) {
                throw new IOException("applying credentials: " + e.getMessage(), e);
            }
            requestObserver.accept(source + " " + chain.request().method() + " " + chain.request().url().encodedPath()
                    + (chain.request().url().encodedQuery() == null ? "" : "?" + chain.request().url().encodedQuery()));
            Request.Builder b = chain.request().newBuilder();
            headers.forEach(b::header);
            return chain.proceed(b.build());
        }).build();
        this.http = base.newBuilder().readTimeout(Duration.ofSeconds(30)).callTimeout(Duration.ofSeconds(60)).build();
        // A watch stays open for minutes: no read or call timeout (OkHttp's default 10s read timeout cuts it).
        this.watchHttp = base.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO).build();
        this.limiter = new RateLimiter(qps, burst);
    }

    /**
     * Connects with, in order: {@code kubeconfig} if given; in-cluster config when running in a pod;
     * {@code $KUBECONFIG}; {@code ~/.kube/config}.
     */
    public static KubeConnection connect(String kubeconfig, float qps, int burst) throws IOException {
        ApiClient client;
        String source;
        if (kubeconfig != null && !kubeconfig.isEmpty()) {
            source = kubeconfig;
            client = fromFile(Path.of(kubeconfig));
        } else if (System.getenv("KUBERNETES_SERVICE_HOST") != null
                && Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"))) {
            source = "in-cluster";
            client = ClientBuilder.cluster().build();
        } else if (System.getenv("KUBECONFIG") != null && !System.getenv("KUBECONFIG").isEmpty()) {
            source = System.getenv("KUBECONFIG").split(java.io.File.pathSeparator)[0];
            client = fromFile(Path.of(source));
        } else {
            Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
            if (!Files.exists(home)) {
                throw new IOException("no kubeconfig: not in a cluster, $KUBECONFIG unset and " + home + " missing; pass --kubeconfig");
            }
            source = home.toString();
            client = fromFile(home);
        }
        return new KubeConnection(client, source, qps, burst);
    }

    private static ApiClient fromFile(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            KubeConfig config = KubeConfig.loadKubeConfig(r);
            config.setFile(file.toFile());
            return ClientBuilder.kubeconfig(config).build();
        } catch (IOException | RuntimeException e) {
            throw new IOException("reading kubeconfig " + file + ": " + e.getMessage(), e);
        }
    }

    public String server() {
        return server;
    }

    public JsonNode get(String path) throws ApiException {
        return call("GET", path, null, null);
    }

    public JsonNode post(String path, Object body) throws ApiException {
        return call("POST", path, body, JSON);
    }

    public JsonNode put(String path, Object body) throws ApiException {
        return call("PUT", path, body, JSON);
    }

    public JsonNode strategicMergePatch(String path, Object body) throws ApiException {
        return call("PATCH", path, body, STRATEGIC_MERGE);
    }

    public void delete(String path) throws ApiException {
        call("DELETE", path, null, null);
    }

    private JsonNode call(String method, String path, Object body, MediaType type) throws ApiException {
        try {
            limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(method + " " + path + ": interrupted", 0, e);
        }
        RequestBody requestBody = null;
        if (body != null) {
            try {
                requestBody = RequestBody.create(MAPPER.writeValueAsBytes(body), type);
            } catch (IOException e) {
                throw new ApiException(method + " " + path + ": encoding the body: " + e.getMessage(), 0, e);
            }
        }
        Request request = new Request.Builder().url(server + path).method(method, requestBody)
                .header("Accept", "application/json").build();
        try (Response response = http.newCall(request).execute()) {
            ResponseBody rb = response.body();
            String text = rb == null ? "" : rb.string();
            if (!response.isSuccessful()) {
                throw new ApiException(method + " " + path + ": HTTP " + response.code() + ": " + statusMessage(text),
                        response.code(), null);
            }
            return text.isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ApiException(method + " " + path + ": " + e.getMessage(), 0, e);
        }
    }

    /**
     * Streams a watch: calls {@code onEvent} with each {@code {type, object}} event until the server
     * ends the stream or {@code watch} is closed. Returns normally at the end of the stream.
     */
    public void watch(String path, Consumer<JsonNode> onEvent, Consumer<Runnable> onOpen) throws ApiException {
        Request request = new Request.Builder().url(server + path).get().header("Accept", "application/json").build();
        var call = watchHttp.newCall(request);
        onOpen.accept(call::cancel);
        try (Response response = call.execute()) {
            ResponseBody rb = response.body();
            if (!response.isSuccessful()) {
                String text = rb == null ? "" : rb.string();
                throw new ApiException("WATCH " + path + ": HTTP " + response.code() + ": " + statusMessage(text),
                        response.code(), null);
            }
            if (rb == null) {
                return;
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(rb.byteStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        onEvent.accept(MAPPER.readTree(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new ApiException("WATCH " + path + ": " + e.getMessage(), 0, e);
        }
    }

    private static String statusMessage(String text) {
        try {
            JsonNode status = MAPPER.readTree(text);
            if (status != null && status.hasNonNull("message")) {
                return status.get("message").asText();
            }
        } catch (IOException ignored) {
            // Not a Status object: show the text itself.
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
