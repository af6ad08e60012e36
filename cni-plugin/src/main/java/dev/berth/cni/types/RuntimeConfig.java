package dev.berth.cni.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.linux.IpNet;
import dev.berth.linux.MacAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code runtimeConfig} a runtime passes for the capabilities a plugin declares. Typed here are the
 * conventions Berth serves, {@code ips} (requested addresses, with or without a prefix length) and
 * {@code mac}; {@link #raw()} keeps everything else.
 */
public record RuntimeConfig(List<InetAddress> ips, MacAddress mac, ObjectNode raw) {
    public static final RuntimeConfig EMPTY = new RuntimeConfig(List.of(), null, JsonNodeFactory.instance.objectNode());

    public RuntimeConfig {
        ips = List.copyOf(ips);
    }

    static RuntimeConfig read(JsonNode node) {
        if (node == null) {
            return EMPTY;
        }
        var ips = new ArrayList<InetAddress>();
        var texts = Json.strings(node, "ips", "runtimeConfig.");
        for (int i = 0; i < texts.size(); i++) {
            var text = texts.get(i);
            try {
                // The convention allows "10.1.0.5" and "10.1.0.5/24"; only the address is requested.
                ips.add(text.contains("/") ? IpNet.parse(text).address() : IpNet.parseAddress(text));
            } catch (IllegalArgumentException e) {
                throw Json.decoding("runtimeConfig.ips[" + i + "]", e.getMessage());
            }
        }
        MacAddress mac = null;
        var macText = Json.string(node, "mac", "runtimeConfig.");
        if (!macText.isEmpty()) {
            try {
                mac = MacAddress.parse(macText);
            } catch (IllegalArgumentException e) {
                throw Json.decoding("runtimeConfig.mac", e.getMessage());
            }
        }
        return new RuntimeConfig(ips, mac, (ObjectNode) node.deepCopy());
    }
}
