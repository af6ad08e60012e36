package dev.berth.scheduler.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeAffinity;
import dev.berth.scheduler.model.Pod;

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
}
