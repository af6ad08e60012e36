package dev.berth.cni.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.NetConf;
import dev.berth.linux.MacAddress;
import java.util.List;
import java.util.TreeSet;

/**
 * The bridge plugin's own fields, named and defaulted as the reference {@code bridge} plugin does.
 * {@code isDefaultGateway} implies {@code isGateway}; hairpin and promiscuous mode exclude each other.
 *
 * <p>VLANs: {@code vlan} makes the pod's port an access port of that VLAN; {@code vlanTrunk} (a list of
 * {@code {"id"}} and {@code {"minID","maxID"}} items) makes it a trunk carrying those VLANs tagged. Either
 * turns VLAN filtering on for a bridge the plugin creates. {@code preserveDefaultVlan} (default true)
 * keeps the port in the bridge's default VLAN as well. {@code vlanTrunk} is {@code null} when absent:
 * an empty list still asks for VLAN filtering, as upstream's does.
 *
 * @param argsMac the container MAC from {@code args.cni.mac}, or {@code null}
 */
public record BridgeConf(String bridge, boolean isGateway, boolean isDefaultGateway, boolean forceAddress,
        boolean ipMasq, int mtu, boolean hairpinMode, boolean promiscMode, int vlan, List<Integer> vlanTrunk,
        boolean preserveDefaultVlan, boolean enableDad, boolean disableContainerInterface, boolean portIsolation,
        MacAddress argsMac) {
    public static final String DEFAULT_BRIDGE = "cni0";

    /** Whether a bridge this plugin creates gets VLAN filtering. */
    public boolean vlanFiltering() {
        return vlan != 0 || vlanTrunk != null;
    }

    /** Whether the pod's port gets VLANs of its own (and loses the default ones unless preserved). */
    public boolean hasPortVlans() {
        return vlan != 0 || (vlanTrunk != null && !vlanTrunk.isEmpty());
    }

    /** Reads and validates; an unusable value is error 7, a value Berth does not serve (the nftables backend) error 2. */
    public static BridgeConf parse(NetConf config) {
        var raw = config.raw();
        var name = text(raw, "bridge");
        boolean defaultGateway = bool(raw, "isDefaultGateway");
        var preserve = raw.get("preserveDefaultVlan");
        var conf = new BridgeConf(name.isEmpty() ? DEFAULT_BRIDGE : name, bool(raw, "isGateway") || defaultGateway,
                defaultGateway, bool(raw, "forceAddress"), bool(raw, "ipMasq"), integer(raw, "mtu"),
                bool(raw, "hairpinMode"), bool(raw, "promiscMode"), integer(raw, "vlan"), vlanTrunk(raw),
                preserve == null || preserve.isNull() || bool(raw, "preserveDefaultVlan"), bool(raw, "enabledad"),
                bool(raw, "disableContainerInterface"), bool(raw, "portIsolation"), argsMac(raw));
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
        // A port is an access port (untagged only) or a trunk (tagged only), never both.
        if (conf.vlan > 0 && conf.vlanTrunk != null && !conf.vlanTrunk.isEmpty()) {
            throw invalid("cannot set vlan and vlanTrunk at the same time");
        }
        var backend = text(raw, "ipMasqBackend");
        if (!backend.isEmpty() && !backend.equals("iptables")) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "berth-bridge supports ipMasqBackend \"iptables\" only");
        }
        return conf;
    }

    /** The trunk's VLAN ids, sorted and without repeats; {@code null} when the field is absent. */
    private static List<Integer> vlanTrunk(JsonNode raw) {
        var node = raw.get("vlanTrunk");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw invalid("vlanTrunk must be a list");
        }
        var vids = new TreeSet<Integer>();
        for (var item : node) {
            if (!item.isObject()) {
                throw invalid("vlanTrunk items must be objects");
            }
            var min = trunkId(item, "minID");
            var max = trunkId(item, "maxID");
            if (min != null || max != null) {
                if (min == null) {
                    throw invalid("minID and maxID should be configured simultaneously, minID is missing");
                }
                if (max == null) {
                    throw invalid("minID and maxID should be configured simultaneously, maxID is missing");
                }
                if (min <= 0 || min > 4094) {
                    throw invalid("incorrect trunk minID parameter");
                }
                if (max <= 0 || max > 4094) {
                    throw invalid("incorrect trunk maxID parameter");
                }
                if (max < min) {
                    throw invalid("minID is greater than maxID in trunk parameter");
                }
                for (int vid = min; vid <= max; vid++) {
                    vids.add(vid);
                }
            }
            var id = trunkId(item, "id");
            if (id != null) {
                if (id <= 0 || id > 4094) {
                    throw invalid("incorrect trunk id parameter");
                }
                vids.add(id);
            }
        }
        return List.copyOf(vids);
    }

    private static Integer trunkId(JsonNode item, String key) {
        var node = item.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalid("vlanTrunk " + key + " must be an integer");
        }
        return node.asInt();
    }

    /** {@code args.cni.mac}, one of the three places the reference takes the container MAC from. */
    private static MacAddress argsMac(JsonNode raw) {
        var node = raw.path("args").path("cni").path("mac");
        if (node.isMissingNode() || node.isNull() || (node.isTextual() && node.asText().isEmpty())) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid("args.cni.mac must be a string");
        }
        try {
            return MacAddress.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw invalid("args.cni.mac: address " + node.asText() + ": invalid MAC address");
        }
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
