package dev.berth.proxy.conntrack;

import static dev.berth.proxy.model.Protocol.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.model.Endpoint;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import dev.berth.proxy.sync.TestNamespace;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real UDP flows in a namespace the test makes: packets to a service IP, first not DNATed (no endpoint yet), then
 * DNATed to an endpoint that goes away, then to the endpoint that stays. The reconcile deletes exactly the first two.
 */
class ConntrackIT {
    private static final String SERVICE_IP = "10.96.0.10";
    private TestNamespace ns;

    @BeforeEach
    void namespace() throws Exception {
        ns = TestNamespace.create();
        ns.exec("ip", "link", "set", "lo", "up");
        // A veth whose peer nobody listens on: the flows exist in conntrack without anyone answering. Static
        // neighbours, so no packet waits for ARP.
        ns.exec("ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        ns.exec("ip", "addr", "add", "10.99.0.1/24", "dev", "v0");
        ns.exec("ip", "link", "set", "v0", "up");
        ns.exec("ip", "link", "set", "v1", "up");
        ns.exec("ip", "route", "add", "10.96.0.0/16", "dev", "v0");
        for (var ip : List.of(SERVICE_IP, "10.99.0.5", "10.99.0.6", "10.99.0.7")) {
            ns.exec("ip", "neigh", "replace", ip, "lladdr", "02:00:00:00:00:01", "dev", "v0", "nud", "permanent");
        }
        // A conntrack match makes the namespace track connections (the proxy's KUBE-FORWARD has one too).
        ns.exec("iptables", "-A", "OUTPUT", "-m", "conntrack", "--ctstate", "NEW,ESTABLISHED", "-j", "ACCEPT");
    }

    @AfterEach
    void remove() throws Exception {
        ns.close();
    }

    private void send(String ip, int port) throws Exception {
        ns.exec("bash", "-c", "echo ping > /dev/udp/" + ip + "/" + port);
    }

    private void dnatTo(String endpoint) throws Exception {
        ns.exec("iptables", "-t", "nat", "-I", "OUTPUT", "-p", "udp", "-d", SERVICE_IP, "--dport", "53",
                "-j", "DNAT", "--to-destination", endpoint + ":5353");
    }

    @Test
    void flowsToRemovedEndpointsAndUndnatedFlowsAreDeleted() throws Exception {
        send(SERVICE_IP, 53);
        dnatTo("10.99.0.5");
        send(SERVICE_IP, 53);
        ns.exec("iptables", "-t", "nat", "-D", "OUTPUT", "1");
        dnatTo("10.99.0.6");
        send(SERVICE_IP, 53);
        send("10.99.0.7", 9999);

        var conntrack = new Conntrack(ns.iptables);
        var before = conntrack.listUdp(IpFamily.IPV4);
        assertTrue(before.stream().anyMatch(f -> f.replySrc().equals(SERVICE_IP)), before.toString());
        assertTrue(before.stream().anyMatch(f -> f.replySrc().equals("10.99.0.5")), before.toString());

        var state = new ProxyState(
                List.of(Service.builder("kube-system", "dns").clusterIPs(SERVICE_IP).port("dns", UDP, 53).build()),
                List.of(EndpointSlice.builder("kube-system", "dns", "dns-1").port("dns", UDP, 5353)
                        .endpoint(Endpoint.of("10.99.0.6", "node1")).build()));
        var result = conntrack.reconcile(state, NodeConfig.builder("node1").build());
        assertEquals(List.of(), result.errors());
        assertEquals(2, result.deleted(), result.toString());

        var after = conntrack.listUdp(IpFamily.IPV4);
        assertFalse(after.stream().anyMatch(f -> f.replySrc().equals(SERVICE_IP)), after.toString());
        assertFalse(after.stream().anyMatch(f -> f.replySrc().equals("10.99.0.5")), after.toString());
        assertTrue(after.stream().anyMatch(f -> f.replySrc().equals("10.99.0.6")), "the serving endpoint's flow stays");
        assertTrue(after.stream().anyMatch(f -> f.origDst().equals("10.99.0.7")), "flows to other addresses stay");

        assertEquals(0, conntrack.reconcile(state, NodeConfig.builder("node1").build()).deleted(),
                "a second reconcile finds nothing stale");
    }
}
