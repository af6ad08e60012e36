package dev.berth.scheduler.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeAffinity;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.Toleration;

/** STUB: reads Kubernetes JSON/YAML object trees into the model. */
public final class ModelReader {
    private ModelReader() {}

    public static Pod pod(JsonNode json) {
        throw new UnsupportedOperationException("not yet");
    }

    public static Node node(JsonNode json) {
        throw new UnsupportedOperationException("not yet");
    }

    public static NodeAffinity nodeAffinity(JsonNode json) {
        throw new UnsupportedOperationException("not yet");
    }

    /** STUB (added for plugin args binding): a Kubernetes {@code NodeSelector} object. */
    public static NodeSelector nodeSelector(JsonNode json) {
        throw new UnsupportedOperationException("not yet");
    }

    /** STUB (added for plugin args binding): one Kubernetes {@code Toleration} object. */
    public static Toleration toleration(JsonNode json) {
        throw new UnsupportedOperationException("not yet");
    }

    /** STUB (added for plugin args binding): one Kubernetes {@code Taint} object. */
    public static Taint taint(JsonNode json) {
        throw new UnsupportedOperationException("not yet");
    }
}
