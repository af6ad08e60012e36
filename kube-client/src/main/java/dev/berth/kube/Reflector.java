package dev.berth.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keeps a local copy of one kind of object and reports every change: list, then watch from the list's
 * resource version (with bookmarks, so a restart resumes close to where it was), and list again when
 * the server says the version is too old (410) or a watch cannot be re-established. A relist is
 * compared with the copy, so objects deleted while disconnected are still reported as deleted.
 *
 * <p>Objects are decoded by the caller's function from plain JSON; one that cannot be decoded is
 * logged and skipped, never ending the watch.
 *
 * @param <T> the decoded object
 */
public final class Reflector<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reflector.class);
    private static final int PAGE = 500;

    /** Receives changes, on the reflector's thread, in order. */
    public interface Handler<T> {
        void onAdd(T object);

        void onUpdate(T old, T updated);

        void onDelete(T object);

        /** A handler that treats an add and an update alike: {@code upsert} the new object; {@code delete} on removal. */
        static <T> Handler<T> of(Consumer<T> upsert, Consumer<T> delete) {
            return new Handler<>() {
                @Override
                public void onAdd(T object) {
                    upsert.accept(object);
                }

                @Override
                public void onUpdate(T old, T updated) {
                    upsert.accept(updated);
                }

                @Override
                public void onDelete(T object) {
                    delete.accept(object);
                }
            };
        }
    }

    private record Entry<T>(T object, String resourceVersion) {}

    private final KubeConnection conn;
    private final String path;
    private final String selector;
    private final Function<JsonNode, T> decode;
    private final Handler<T> handler;
    private final String kind;
    private final Map<String, Entry<T>> store = new HashMap<>();
    private final CountDownLatch synced = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Runnable cancelWatch = () -> {};
    private String resourceVersion = "";
    private Thread thread;

    /**
     * @param path          collection path, e.g. {@code /api/v1/pods}
     * @param fieldSelector a field selector, or null
     */
    public Reflector(KubeConnection conn, String kind, String path, String fieldSelector, Function<JsonNode, T> decode,
                     Handler<T> handler) {
        this.conn = conn;
        this.kind = kind;
        this.path = path;
        this.selector = fieldSelector == null ? "" : "&fieldSelector=" + URLEncoder.encode(fieldSelector, StandardCharsets.UTF_8);
        this.decode = decode;
        this.handler = handler;
    }

    public Reflector<T> start() {
        thread = Thread.ofVirtual().name("reflector-" + kind).start(this::run);
        return this;
    }

    /** Waits until the first list has been delivered. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        Duration backoff = Duration.ofMillis(200);
        boolean needList = true;
        while (!closed) {
            try {
                if (needList) {
                    relist();
                    needList = false;
                }
                watchOnce();
                backoff = Duration.ofMillis(200);
            } catch (ApiException e) {
                if (closed) {
                    return;
                }
                if (e.isGone()) {
                    LOG.info("watch expired, relisting kind={} resourceVersion={}", kind, resourceVersion);
                    needList = true;
                    continue;
                }
                LOG.warn("watch failed kind={} error=\"{}\" retryIn={}ms", kind, e.getMessage(), backoff.toMillis());
                needList = e.status() != 0;
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                LOG.error("reflector error kind={}", kind, e);
                needList = true;
                sleep(backoff);
            }
        }
    }

    private void relist() throws ApiException {
        Map<String, Entry<T>> fresh = new HashMap<>();
        String cont = "";
        String rv;
        // As client-go's reflector: the first list may come from the API server's watch cache (resourceVersion=0,
        // one answer, no etcd read), which the watch then continues from; a relist after a lost watch or a 410
        // reads from etcd, never going back in time. Later pages carry only the continue token.
        String firstPage = synced.getCount() > 0 ? "&resourceVersion=0" : "";
        do {
            JsonNode list = conn.get(path + "?limit=" + PAGE + selector
                    + (cont.isEmpty() ? firstPage : "&continue=" + URLEncoder.encode(cont, StandardCharsets.UTF_8)));
            rv = list.path("metadata").path("resourceVersion").asText("");
            cont = list.path("metadata").path("continue").asText("");
            for (JsonNode item : list.path("items")) {
                T obj = decodeOrSkip(item);
                if (obj != null) {
                    fresh.put(key(item), new Entry<>(obj, version(item)));
                }
            }
        } while (!cont.isEmpty());
        for (var e : fresh.entrySet()) {
            Entry<T> old = store.get(e.getKey());
            if (old == null) {
                handler.onAdd(e.getValue().object());
            } else if (!old.resourceVersion().equals(e.getValue().resourceVersion())) {
                handler.onUpdate(old.object(), e.getValue().object());
            }
        }
        for (var e : store.entrySet()) {
            if (!fresh.containsKey(e.getKey())) {
                handler.onDelete(e.getValue().object());
            }
        }
        store.clear();
        store.putAll(fresh);
        resourceVersion = rv;
        synced.countDown();
        LOG.info("listed kind={} count={} resourceVersion={}", kind, store.size(), rv);
    }

    private void watchOnce() throws ApiException {
        String url = path + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=" + (240 + (int) (Math.random() * 120))
                + "&resourceVersion=" + URLEncoder.encode(resourceVersion, StandardCharsets.UTF_8) + selector;
        ApiException[] gone = new ApiException[1];
        conn.watch(url, event -> {
            if (gone[0] != null) {
                return;
            }
            String type = event.path("type").asText();
            JsonNode object = event.path("object");
            switch (type) {
                case "ADDED", "MODIFIED" -> apply(object, false);
                case "DELETED" -> apply(object, true);
                case "BOOKMARK" -> resourceVersion = version(object);
                case "ERROR" -> {
                    int code = object.path("code").asInt(0);
                    gone[0] = new ApiException("watch " + kind + ": " + object.path("message").asText(), code == 0 ? 500 : code, null);
                    cancelWatch.run();
                }
                default -> LOG.warn("unknown watch event type={} kind={}", type, kind);
            }
        }, cancel -> cancelWatch = cancel);
        if (gone[0] != null) {
            throw gone[0];
        }
    }

    private void apply(JsonNode json, boolean deleted) {
        String key = key(json);
        String rv = version(json);
        Entry<T> old = store.get(key);
        if (deleted) {
            store.remove(key);
            if (old != null) {
                handler.onDelete(old.object());
            }
        } else {
            T obj = decodeOrSkip(json);
            if (obj == null) {
                return;
            }
            store.put(key, new Entry<>(obj, rv));
            if (old == null) {
                handler.onAdd(obj);
            } else {
                handler.onUpdate(old.object(), obj);
            }
        }
        if (!rv.isEmpty()) {
            resourceVersion = rv;
        }
    }

    private T decodeOrSkip(JsonNode json) {
        try {
            return decode.apply(json);
        } catch (RuntimeException e) {
            LOG.warn("skipping an object that cannot be read kind={} object={} error=\"{}\"", kind, key(json), e.getMessage());
            return null;
        }
    }

    private static String key(JsonNode json) {
        JsonNode meta = json.path("metadata");
        String ns = meta.path("namespace").asText("");
        return ns.isEmpty() ? meta.path("name").asText() : ns + "/" + meta.path("name").asText();
    }

    private static String version(JsonNode json) {
        return json.path("metadata").path("resourceVersion").asText("");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        cancelWatch.run();
        if (thread != null) {
            thread.interrupt();
        }
    }
}
