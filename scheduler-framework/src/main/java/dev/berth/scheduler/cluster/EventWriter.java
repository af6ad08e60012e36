package dev.berth.scheduler.cluster;

import dev.berth.kube.ApiException;
import dev.berth.kube.KubeConnection;
import dev.berth.scheduler.core.Outcome;
import dev.berth.scheduler.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reports outcomes the way kube-scheduler does: an {@code events.k8s.io/v1} Event per attempt
 * ({@code Scheduled}, Normal, "Successfully assigned ns/pod to node"; {@code FailedScheduling},
 * Warning, the FailedScheduling text) with the profile's schedulerName as reporting controller, and
 * the pod's {@code PodScheduled} condition set to False / Unschedulable with the same text. Writes are
 * asynchronous and never hold up scheduling; a repeated identical failure is not written again.
 */
final class EventWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);

    private final KubeConnection conn;
    private final String instance;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

    EventWriter(KubeConnection conn, String instance) {
        this.conn = conn;
        this.instance = instance;
    }

    void report(Outcome outcome) {
        switch (outcome) {
            case Outcome.Scheduled s -> {
                lastFailure.remove(s.pod().uid());
                String note = "Successfully assigned " + s.pod().key() + " to " + s.node();
                writers.execute(() -> event(s.pod(), s.profile(), "Normal", "Scheduled", "Binding", note));
            }
            case Outcome.Unschedulable u -> failed(u.pod(), u.profile(), u.error().getMessage());
            case Outcome.Failed f -> failed(f.pod(), f.profile(), f.message());
        }
    }

    private void failed(Pod pod, String profile, String message) {
        if (message.equals(lastFailure.put(pod.uid(), message))) {
            return;
        }
        writers.execute(() -> {
            event(pod, profile, "Warning", "FailedScheduling", "Scheduling", message);
            condition(pod, message);
        });
    }

    private void event(Pod pod, String controller, String type, String reason, String action, String note) {
        Instant now = Instant.now();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("apiVersion", "events.k8s.io/v1");
        event.put("kind", "Event");
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        event.put("metadata", Map.of("name", pod.name() + "." + Long.toHexString(nanos), "namespace", pod.namespace()));
        event.put("eventTime", MicroTime.format(now));
        event.put("reportingController", controller);
        event.put("reportingInstance", controller + "-" + instance);
        event.put("action", action);
        event.put("reason", reason);
        event.put("type", type);
        event.put("note", note.length() > 1024 ? note.substring(0, 1021) + "..." : note);
        event.put("regarding", Map.of("apiVersion", "v1", "kind", "Pod", "namespace", pod.namespace(),
                "name", pod.name(), "uid", pod.uid()));
        try {
            conn.post("/apis/events.k8s.io/v1/namespaces/" + pod.namespace() + "/events", event);
        } catch (ApiException e) {
            LOG.warn("event not written pod={} reason={} error=\"{}\"", pod.key(), reason, e.getMessage());
        }
    }

    private void condition(Pod pod, String message) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", "PodScheduled");
        condition.put("status", "False");
        condition.put("reason", "Unschedulable");
        condition.put("message", message);
        condition.put("lastProbeTime", null);
        condition.put("lastTransitionTime", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        try {
            conn.strategicMergePatch("/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name() + "/status",
                    Map.of("status", Map.of("conditions", List.of(condition))));
        } catch (ApiException e) {
            if (!e.isNotFound()) {
                LOG.warn("PodScheduled condition not written pod={} error=\"{}\"", pod.key(), e.getMessage());
            }
        }
    }

    /** Forgets a pod that left (deleted or bound). */
    void forget(String uid) {
        lastFailure.remove(uid);
    }

    @Override
    public void close() {
        writers.shutdown();
    }
}
