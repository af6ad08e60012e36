package dev.berth.scheduler.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.scheduler.config.ConfigLoader;
import dev.berth.scheduler.core.Outcome;
import dev.berth.scheduler.core.Scheduler;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import dev.berth.scheduler.model.json.ModelReader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Objects from a cluster newer than this code (fields the generated client-java models would refuse)
 * go through the same decoding the watches use ({@link ModelReader}) and are scheduled normally.
 */
class NewerClusterObjectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unknownFieldsAnywhereDoNotStopScheduling() throws Exception {
        var node = ModelReader.node(JSON.readTree("""
                {"apiVersion": "v1", "kind": "Node",
                 "metadata": {"name": "n1", "resourceVersion": "7", "managedFields": [{"manager": "kubelet", "fieldsV1": {"f:x": {}}}]},
                 "spec": {"podCIDR": "10.0.0.0/24", "futureSpecField": {"nested": [1, 2, 3]}},
                 "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                            "features": {"supplementalGroupsPolicy": true},
                            "runtimeHandlers": [{"name": "runc", "features": {"recursiveReadOnlyMounts": true}}],
                            "declaredFeatures": ["Whatever"], "nodeInfo": {"swap": {"capacity": 0}}}}"""));
        var pod = ModelReader.pod(JSON.readTree("""
                {"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"name": "p1", "namespace": "default", "uid": "u1", "generation": 3},
                 "spec": {"schedulerName": "default-scheduler",
                          "resources": {"requests": {"cpu": "100m"}},
                          "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "t"}],
                          "hostnameOverride": "x", "workloadRef": {"name": "w"},
                          "containers": [{"name": "c", "image": "app", "resources": {"requests": {"cpu": "250m"}},
                                          "restartPolicyRules": [{"action": "Restart"}], "futureContainerField": true}]},
                 "status": {"phase": "Pending", "resize": "InProgress", "observedGeneration": 3,
                            "extendedResourceClaimStatus": {"resourceClaimName": "c"}}}"""));
        var registry = PluginRegistry.load(List.of());
        try (Scheduler s = Scheduler.builder(ConfigLoader.defaults(registry), registry::factory).bindInline().build()) {
            s.onNodeAdd(node);
            s.onPodAdd(pod);
            var o = assertInstanceOf(Outcome.Scheduled.class, s.drain().getFirst());
            assertEquals("n1", o.node());
        }
    }
}
