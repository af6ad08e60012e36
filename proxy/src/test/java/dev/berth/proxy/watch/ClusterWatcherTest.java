package dev.berth.proxy.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClusterWatcherTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theTriggerTimeAnnotationIsReadWhenPresentAndValid() throws Exception {
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"), ClusterWatcher.lastChangeTriggerTime(json.readTree("""
                {"metadata":{"annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2024-05-01T10:00:00Z"}}}""")));
        assertEquals(Instant.parse("2024-05-01T08:00:00.5Z"), ClusterWatcher.lastChangeTriggerTime(json.readTree("""
                {"metadata":{"annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2024-05-01T10:00:00.5+02:00"}}}""")));
        assertNull(ClusterWatcher.lastChangeTriggerTime(json.readTree("{\"metadata\":{}}")));
        assertNull(ClusterWatcher.lastChangeTriggerTime(json.readTree("""
                {"metadata":{"annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"yesterday"}}}""")));
    }
}
