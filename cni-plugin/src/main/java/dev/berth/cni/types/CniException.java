package dev.berth.cni.types;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CNI error as the spec defines it: a well-known {@code code}, a short {@code msg} and optional
 * {@code details}; the plugin prints it as JSON on stdout and exits non-zero.
 */
public final class CniException extends RuntimeException {
    public static final int INCOMPATIBLE_CNI_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT_VARIABLES = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int INVALID_NETNS = 8;
    public static final int TRY_AGAIN_LATER = 11;
    /** STATUS: the plugin cannot service ADD requests. */
    public static final int PLUGIN_NOT_AVAILABLE = 50;
    /** STATUS: not available, and existing containers may have limited connectivity. */
    public static final int PLUGIN_NOT_AVAILABLE_LIMITED_CONNECTIVITY = 51;
    /** What libcni's skeleton reports for an error that carries no code of its own. */
    public static final int INTERNAL = 999;

    private final int code;
    private final String msg;
    private final String details;

    public CniException(int code, String msg, String details) {
        super(details == null || details.isEmpty() ? msg : msg + "; " + details);
        this.code = code;
        this.msg = msg;
        this.details = details == null ? "" : details;
    }

    public CniException(int code, String msg) {
        this(code, msg, "");
    }

    public int code() {
        return code;
    }

    public String msg() {
        return msg;
    }

    public String details() {
        return details;
    }

    /** The spec's error object: {@code {"cniVersion", "code", "msg", "details"}}, details omitted when empty. */
    public ObjectNode toJson(String cniVersion) {
        var json = JsonNodeFactory.instance.objectNode();
        if (cniVersion != null && !cniVersion.isEmpty()) {
            json.put("cniVersion", cniVersion);
        }
        json.put("code", code);
        json.put("msg", msg);
        if (!details.isEmpty()) {
            json.put("details", details);
        }
        return json;
    }
}
