package dev.berth.cni.types;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.linux.IpNet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Typed reads from a JSON tree that fail with a decoding error naming the field. */
final class Json {
    private Json() {}

    static CniException decoding(String field, String problem) {
        return new CniException(CniException.DECODING_FAILURE, "cannot decode " + field + ": " + problem);
    }

    static String string(JsonNode parent, String key, String path) {
        var node = parent.get(key);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw decoding(path + key, "expected a string, got " + node.getNodeType().name().toLowerCase());
        }
        return node.asText();
    }

    static int integer(JsonNode parent, String key, String path) {
        var node = parent.get(key);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw decoding(path + key, "expected an integer, got " + node);
        }
        return node.asInt();
    }

    static Integer optionalInteger(JsonNode parent, String key, String path) {
        var node = parent.get(key);
        return node == null || node.isNull() ? null : integer(parent, key, path);
    }

    static boolean bool(JsonNode parent, String key, String path) {
        var node = parent.get(key);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw decoding(path + key, "expected a boolean, got " + node);
        }
        return node.asBoolean();
    }

    static List<JsonNode> array(JsonNode parent, String key, String path) {
        var node = parent.get(key);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw decoding(path + key, "expected an array, got " + node.getNodeType().name().toLowerCase());
        }
        var items = new ArrayList<JsonNode>();
        node.forEach(items::add);
        return items;
    }

    static JsonNode object(JsonNode parent, String key, String path) {
        var node = parent.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw decoding(path + key, "expected an object, got " + node.getNodeType().name().toLowerCase());
        }
        return node;
    }

    static List<String> strings(JsonNode parent, String key, String path) {
        var values = new ArrayList<String>();
        var items = array(parent, key, path);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isTextual()) {
                throw decoding(path + key + "[" + i + "]", "expected a string");
            }
            values.add(items.get(i).asText());
        }
        return values;
    }

    static IpNet cidr(JsonNode parent, String key, String path) {
        var text = string(parent, key, path);
        try {
            return IpNet.parse(text);
        } catch (IllegalArgumentException e) {
            throw decoding(path + key, e.getMessage());
        }
    }

    static InetAddress ip(JsonNode parent, String key, String path) {
        var text = string(parent, key, path);
        if (text.isEmpty()) {
            return null;
        }
        try {
            return IpNet.parseAddress(text);
        } catch (IllegalArgumentException e) {
            throw decoding(path + key, e.getMessage());
        }
    }
}
