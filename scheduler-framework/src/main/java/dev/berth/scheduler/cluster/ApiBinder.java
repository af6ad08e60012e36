package dev.berth.scheduler.cluster;

import dev.berth.kube.ApiException;
import dev.berth.kube.KubeConnection;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.model.Pod;

import java.util.Map;

/**
 * Binds through the {@code pods/binding} subresource. Success is read from the HTTP status of the raw
 * call: the server answers with a {@code v1.Status}, which the generated client would mistake for an error.
 */
final class ApiBinder implements Handle.PodBinder {
    private final KubeConnection conn;

    ApiBinder(KubeConnection conn) {
        this.conn = conn;
    }

    @Override
    public void bind(Pod pod, String nodeName) throws ApiException {
        Map<String, Object> binding = Map.of(
                "apiVersion", "v1",
                "kind", "Binding",
                "metadata", Map.of("name", pod.name(), "namespace", pod.namespace(), "uid", pod.uid()),
                "target", Map.of("apiVersion", "v1", "kind", "Node", "name", nodeName));
        conn.post("/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name() + "/binding", binding);
    }
}
