package dev.berth.proxy.watch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.kube.ApiException;
import dev.berth.kube.KubeConnection;
import dev.berth.kube.Reflector;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.KubeReader;
import dev.berth.proxy.model.Service;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Services and EndpointSlices into a {@link ClusterState}. EndpointSlices are read in
 * {@code discovery.k8s.io/v1} where the server serves it and {@code v1beta1} where it does not (1.20 and older);
 * objects are decoded from JSON that may carry fields newer than this code, and one that cannot be read is
 * skipped without ending the watch.
 */
public final class ClusterWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcher.class);
    private static final String DISCOVERY_GROUP = "/apis/discovery.k8s.io";

    private final List<Reflector<?>> reflectors = new ArrayList<>();
    private final String endpointSliceVersion;

    private ClusterWatcher(String endpointSliceVersion) {
        this.endpointSliceVersion = endpointSliceVersion;
    }

    /** Discovers the EndpointSlice version and starts both watches. */
    public static ClusterWatcher start(KubeConnection conn, ClusterState state) throws ApiException {
        var version = endpointSliceVersion(conn.get(DISCOVERY_GROUP));
        var watcher = new ClusterWatcher(version);
        LOG.info("watching services and endpointslices endpointSliceVersion=discovery.k8s.io/{}", version);
        watcher.reflectors.add(new Reflector<>(conn, "services", "/api/v1/services", null, KubeReader::service,
                Reflector.Handler.of(state::putService, svc -> state.removeService(svc.name()))).start());
        watcher.reflectors.add(new Reflector<>(conn, "endpointslices",
                DISCOVERY_GROUP + "/" + version + "/endpointslices", null,
                json -> new TimedSlice(KubeReader.endpointSlice(json), lastChangeTriggerTime(json)),
                Reflector.Handler.<TimedSlice>of(t -> state.putEndpointSlice(t.slice(), t.triggerTime()),
                        t -> state.removeEndpointSlice(t.slice().name()))).start());
        return watcher;
    }

    /** The annotation the EndpointSlice controller sets to when the change it reflects happened. */
    public static final String LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

    /** A slice with its last-change trigger time (null when absent or unreadable). */
    private record TimedSlice(EndpointSlice slice, Instant triggerTime) {}

    /** The slice's {@value #LAST_CHANGE_TRIGGER_TIME} annotation (RFC 3339), or null. */
    static Instant lastChangeTriggerTime(JsonNode json) {
        var text = json.path("metadata").path("annotations").path(LAST_CHANGE_TRIGGER_TIME).asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Picks {@code v1} if the group lists it, else {@code v1beta1}, from the {@code APIGroup} document at
     * {@code /apis/discovery.k8s.io}.
     */
    public static String endpointSliceVersion(JsonNode apiGroup) {
        boolean v1beta1 = false;
        for (var v : apiGroup.path("versions")) {
            var version = v.path("version").asText();
            if (version.equals("v1")) {
                return "v1";
            }
            v1beta1 |= version.equals("v1beta1");
        }
        if (v1beta1) {
            return "v1beta1";
        }
        throw new IllegalStateException("the API server serves no EndpointSlice version this proxy reads "
                + "(discovery.k8s.io/v1 or v1beta1); it lists " + apiGroup.path("versions"));
    }

    public String endpointSliceVersion() {
        return endpointSliceVersion;
    }

    /** Waits until both watches delivered their first list; the first sync must not see half the cluster. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (var r : reflectors) {
            if (!r.awaitSynced(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        reflectors.forEach(Reflector::close);
    }
}
