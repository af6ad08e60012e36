package dev.berth.cni.types;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/**
 * The network configuration a plugin reads on stdin: the spec's common fields parsed, and the whole
 * document in {@link #raw()} for the plugin's own fields.
 *
 * @param cniVersion    the configuration's version; {@code 0.1.0} when absent, as libcni decides
 * @param name          the network name
 * @param type          the plugin type
 * @param ipam          the {@code ipam} object, or {@code null}
 * @param dns           the {@code dns} settings
 * @param runtimeConfig the {@code runtimeConfig} capabilities
 * @param prevResult    the previous plugin's (or ADD's) result, or {@code null}
 * @param raw           the whole document
 */
public record NetConf(String cniVersion, String name, String type, ObjectNode ipam, Dns dns,
        RuntimeConfig runtimeConfig, Result prevResult, ObjectNode raw) {
    private static final Pattern VALID_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

    /** Parses stdin; malformed JSON is a decoding error (6), a missing or invalid name error 7. */
    public static NetConf parse(byte[] stdin) {
        JsonNode tree;
        try {
            tree = CniJson.read(stdin);
        } catch (JsonProcessingException e) {
            throw new CniException(CniException.DECODING_FAILURE,
                    "error unmarshall network config: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new CniException(CniException.IO_FAILURE, "error reading network config: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new CniException(CniException.DECODING_FAILURE,
                    "error unmarshall network config: expected a JSON object");
        }
        var raw = (ObjectNode) tree;
        var name = Json.string(raw, "name", "");
        if (name.isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "missing network name");
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid characters found in network name", name);
        }
        var version = Json.string(raw, "cniVersion", "");
        if (version.isEmpty()) {
            version = "0.1.0";
        }
        var ipam = Json.object(raw, "ipam", "");
        return new NetConf(version, name, Json.string(raw, "type", ""), ipam == null ? null : (ObjectNode) ipam,
                ResultCodec.readDns(Json.object(raw, "dns", "")),
                RuntimeConfig.read(Json.object(raw, "runtimeConfig", "")),
                prevResult(raw, version), raw);
    }

    /** Just the version, for commands that must not fail on the rest (libcni's ConfigDecoder). */
    public static String versionOf(byte[] stdin) {
        try {
            var tree = CniJson.read(stdin);
            var version = tree == null ? null : tree.get("cniVersion");
            return version == null || version.asText().isEmpty() ? "0.1.0" : version.asText();
        } catch (java.io.IOException e) {
            throw new CniException(CniException.DECODING_FAILURE, "decoding version from network config: " + e.getMessage());
        }
    }

    private static Result prevResult(ObjectNode raw, String version) {
        var node = raw.get("prevResult");
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            // A result without its own cniVersion is taken to be in the configuration's version.
            return ResultCodec.read(node, version);
        } catch (CniException e) {
            throw new CniException(e.code(), "could not parse prevResult: " + e.msg(), e.details());
        }
    }
}
