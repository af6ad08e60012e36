package dev.berth.scheduler.cluster;

import dev.berth.kube.ApiException;
import dev.berth.kube.KubeConnection;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code coordination.k8s.io/v1} Lease as client-java-extended's leader-election lock, read and
 * written as plain JSON so Lease fields newer than this client never break the election. Updates carry
 * the last seen resourceVersion: two candidates cannot both win a renewal.
 */
final class LeaseLock implements Lock {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseLock.class);

    private final KubeConnection conn;
    private final String namespace;
    private final String name;
    private final String identity;
    private volatile String resourceVersion = "";

    LeaseLock(KubeConnection conn, String namespace, String name, String identity) {
        this.conn = conn;
        this.namespace = namespace;
        this.name = name;
        this.identity = identity;
    }

    private String path() {
        return "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/" + name;
    }

    @Override
    public LeaderElectionRecord get() throws io.kubernetes.client.openapi.ApiException {
        JsonNode lease;
        try {
            lease = conn.get(path());
        } catch (ApiException e) {
            throw new io.kubernetes.client.openapi.ApiException(e.getMessage(), e, e.status(), Map.of(), null);
        }
        resourceVersion = lease.path("metadata").path("resourceVersion").asText("");
        JsonNode spec = lease.path("spec");
        return new LeaderElectionRecord(spec.path("holderIdentity").asText(""), spec.path("leaseDurationSeconds").asInt(0),
                date(spec.path("acquireTime")), date(spec.path("renewTime")), spec.path("leaseTransitions").asInt(0));
    }

    @Override
    public boolean create(LeaderElectionRecord record) {
        try {
            JsonNode created = conn.post("/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases", lease(record, null));
            resourceVersion = created.path("metadata").path("resourceVersion").asText("");
            return true;
        } catch (ApiException e) {
            LOG.debug("lease create failed lease={}/{} error=\"{}\"", namespace, name, e.getMessage());
            return false;
        }
    }

    @Override
    public boolean update(LeaderElectionRecord record) {
        try {
            JsonNode updated = conn.put(path(), lease(record, resourceVersion));
            resourceVersion = updated.path("metadata").path("resourceVersion").asText("");
            return true;
        } catch (ApiException e) {
            LOG.debug("lease update failed lease={}/{} error=\"{}\"", namespace, name, e.getMessage());
            return false;
        }
    }

    /** Gives the lease up (empty holder, 1 s duration) so a standby takes over at once. */
    void release() {
        try {
            LeaderElectionRecord current = get();
            if (!identity.equals(current.getHolderIdentity())) {
                return;
            }
            Date now = Date.from(Instant.now());
            update(new LeaderElectionRecord("", 1, now, now, current.getLeaderTransitions()));
        } catch (io.kubernetes.client.openapi.ApiException | RuntimeException e) {
            LOG.warn("lease not released lease={}/{} error=\"{}\"", namespace, name, e.getMessage());
        }
    }

    private Map<String, Object> lease(LeaderElectionRecord r, String rv) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        if (rv != null && !rv.isEmpty()) {
            metadata.put("resourceVersion", rv);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("holderIdentity", r.getHolderIdentity());
        spec.put("leaseDurationSeconds", r.getLeaseDurationSeconds());
        if (r.getAcquireTime() != null) {
            spec.put("acquireTime", MicroTime.format(r.getAcquireTime().toInstant()));
        }
        if (r.getRenewTime() != null) {
            spec.put("renewTime", MicroTime.format(r.getRenewTime().toInstant()));
        }
        spec.put("leaseTransitions", r.getLeaderTransitions());
        return Map.of("apiVersion", "coordination.k8s.io/v1", "kind", "Lease", "metadata", metadata, "spec", spec);
    }

    private static Date date(JsonNode t) {
        return t.isTextual() && !t.asText().isEmpty() ? Date.from(Instant.parse(t.asText())) : null;
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public String describe() {
        return namespace + "/" + name;
    }
}
