package dev.berth.cni.skel;

import dev.berth.cni.types.CniException;
import dev.berth.linux.IpNet;
import dev.berth.linux.MacAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code CNI_ARGS}: {@code KEY=VALUE} pairs separated by ';', read as libcni's {@code LoadArgs} does. A
 * plugin names the keys it understands; any other key is an error unless {@code IgnoreUnknown} is true
 * ("1" or "true", any case). Errors are code 4, the variable being part of the environment.
 */
public final class CniArgs {
    public static final String IGNORE_UNKNOWN = "IgnoreUnknown";
    public static final String IP = "IP";
    public static final String MAC = "MAC";

    private final Map<String, String> values;

    private CniArgs(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code raw}, accepting {@code known} keys (IgnoreUnknown is always known). */
    public static CniArgs parse(String raw, Set<String> known) {
        var values = new LinkedHashMap<String, String>();
        if (raw == null || raw.isEmpty()) {
            return new CniArgs(values);
        }
        var unknown = new ArrayList<String>();
        for (var pair : raw.split(";", -1)) {
            var kv = pair.split("=", -1);
            if (kv.length != 2) {
                throw error("ARGS: invalid pair \"" + pair + "\"");
            }
            if (kv[0].equals(IGNORE_UNKNOWN) || known.contains(kv[0])) {
                values.put(kv[0], kv[1]);
            } else {
                unknown.add(pair);
            }
        }
        var args = new CniArgs(values);
        if (!unknown.isEmpty() && !args.ignoreUnknown()) {
            throw error("ARGS: unknown args " + quoted(unknown));
        }
        return args;
    }

    private static CniException error(String message) {
        return new CniException(CniException.INVALID_ENVIRONMENT_VARIABLES, message);
    }

    /** Go's %q of a string slice: ["A=1" "B=2"]. */
    private static String quoted(List<String> items) {
        var text = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            text.append(i == 0 ? "" : " ").append('"').append(items.get(i)).append('"');
        }
        return text.append(']').toString();
    }

    /** The value of a known key, if given. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean ignoreUnknown() {
        var value = values.get(IGNORE_UNKNOWN);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw error("ARGS: error parsing value of pair \"" + IGNORE_UNKNOWN + "=" + value
                    + "\": boolean unmarshal error: invalid input " + value);
        };
    }

    /** {@code IP=}: the address host-local should hand out. */
    public Optional<InetAddress> ip() {
        return get(IP).map(value -> {
            try {
                return IpNet.parseAddress(value);
            } catch (IllegalArgumentException e) {
                throw error("ARGS: error parsing value of pair \"" + IP + "=" + value + "\": invalid IP address: " + value);
            }
        });
    }

    /** {@code MAC=}: the container interface's hardware address. */
    public Optional<MacAddress> mac() {
        return get(MAC).map(value -> {
            try {
                return MacAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw error("ARGS: error parsing value of pair \"" + MAC + "=" + value + "\": invalid MAC address: " + value);
            }
        });
    }
}
