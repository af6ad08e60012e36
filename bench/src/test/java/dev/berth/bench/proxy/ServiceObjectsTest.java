package dev.berth.bench.proxy;

import dev.berth.bench.Stats;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated Services and slices: unique addresses inside the cluster CIDR, v1beta1 slices, one NodePort in ten. */
class ServiceObjectsTest {
    @Test
    void endpointAndChangedAddressesAreUniqueAndInsideTheClusterCidr() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            for (String a : ServiceObjects.initialAddresses(i)) {
                assertTrue(seen.add(a), a);
            }
        }
        for (int n = 0; n < 1000; n++) {
            assertTrue(seen.add(ServiceObjects.changedIP(n)));
        }
        assertEquals("10.244.0.0", ServiceObjects.endpointIP(0, 0));
        assertEquals("10.245.134.159", ServiceObjects.endpointIP(9999, 9));
        assertEquals("10.246.1.0", ServiceObjects.changedIP(256));
        // 10.244.0.0/14 spans 10.244.0.0 - 10.247.255.255.
        assertTrue(seen.stream().allMatch(a -> List.of("244", "245", "246", "247").contains(a.split("\\.")[1])));
    }

    @Test
    void sliceIsV1beta1WithReadyEndpointsAndTheServiceLabel() {
        var s = ServiceObjects.slice(7);
        assertEquals("discovery.k8s.io/v1beta1", s.path("apiVersion").asText());
        assertEquals("svc-00007", s.at("/metadata/labels/kubernetes.io~1service-name").asText());
        assertEquals(10, s.path("endpoints").size());
        assertTrue(s.at("/endpoints/0/conditions/ready").asBoolean());
        assertEquals(8080, s.at("/ports/0/port").asInt());
        var patch = ServiceObjects.endpointsPatch(7, List.of("10.246.0.1"));
        assertEquals("10.246.0.1", patch.at("/endpoints/0/addresses/0").asText());
    }

    @Test
    void everyTenthServiceIsANodePort() {
        assertEquals("NodePort", ServiceObjects.service(0).at("/spec/type").asText());
        assertEquals("ClusterIP", ServiceObjects.service(1).at("/spec/type").asText());
        assertEquals(80, ServiceObjects.service(1).at("/spec/ports/0/port").asInt());
    }

    @Test
    void percentileIsNearestRank() {
        var v = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
        assertEquals(3.0, Stats.percentile(v, 50));
        assertEquals(5.0, Stats.percentile(v, 95));
        assertTrue(Double.isNaN(Stats.percentile(List.of(), 50)));
    }
}
