package dev.berth.cni.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.NetConf;

/**
 * The bridge plugin's own fields, named and defaulted as the reference {@code bridge} plugin does.
 * {@code isDefaultGateway} implies {@code isGateway}; hairpin and promiscuous mode exclude each other.
 */
public record BridgeConf(String bridge, boolean isGateway, boolean isDefaultGateway, boolean forceAddress,
        boolean ipMasq, int mtu, boolean hairpinMode, boolean promiscMode, int vlan, boolean enableDad,
        boolean disableContainerInterface, boolean portIsolation) {
    public static final String DEFAULT_BRIDGE = "cni0";

    /** Reads and validates; an unusable value is error 7, a value Berth does not serve yet (vlan, the nftables backend) error 2. */
    public static BridgeConf parse(NetConf config) {
        var raw = config.raw();
        var name = text(raw, "bridge");
        boolean defaultGateway = bool(raw, "isDefaultGateway");
        var conf = new BridgeConf(name.isEmpty() ? DEFAULT_BRIDGE : name, bool(raw, "isGateway") || defaultGateway,
                defaultGateway, bool(raw, "forceAddress"), bool(raw, "ipMasq"), integer(raw, "mtu"),
                bool(raw, "hairpinMode"), bool(raw, "promiscMode"), integer(raw, "vlan"), bool(raw, "enabledad"),
                bool(raw, "disableContainerInterface"), bool(raw, "portIsolation"));
        if (conf.bridge.length() > 15 || conf.bridge.contains("/") || conf.bridge.isBlank()) {
            throw invalid("invalid bridge name \"" + conf.bridge + "\"");
        }
        if (conf.hairpinMode && conf.promiscMode) {
            throw invalid("cannot set hairpin mode and promiscuous mode at the same time.");
        }
        if (conf.mtu < 0) {
            throw invalid("invalid mtu " + conf.mtu);
        }
        if (conf.vlan < 0 || conf.vlan > 4094) {
            throw invalid("invalid VLAN ID " + conf.vlan + " (must be between 0 and 4094)");
        }
        // Not served yet: refusing is safer than attaching a pod without the isolation or NAT asked for.
        if (conf.vlan != 0) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "berth-bridge does not support vlan yet");
        }
        var backend = text(raw, "ipMasqBackend");
        if (!backend.isEmpty() && !backend.equals("iptables")) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "berth-bridge supports ipMasqBackend \"iptables\" only");
        }
        return conf;
    }

    private static String text(JsonNode raw, String key) {
        var node = raw.get(key);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw invalid(key + " must be a string");
        }
        return node.asText();
    }

    private static boolean bool(JsonNode raw, String key) {
        var node = raw.get(key);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalid(key + " must be a boolean");
        }
        return node.asBoolean();
    }

    private static int integer(JsonNode raw, String key) {
        var node = raw.get(key);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalid(key + " must be an integer");
        }
        return node.asInt();
    }

    private static CniException invalid(String message) {
        return new CniException(CniException.INVALID_NETWORK_CONFIG, message);
    }
}
