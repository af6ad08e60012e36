package dev.berth.cni.ipam.hostlocal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cni.skel.CniArgs;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.CniRoute;
import dev.berth.cni.types.NetConf;
import dev.berth.cni.types.ResultCodec;
import dev.berth.linux.IpNet;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code ipam} section host-local reads, as the reference defines it: {@code ranges} (a list of range
 * sets), the legacy single range ({@code subnet}, {@code rangeStart}, {@code rangeEnd}, {@code gateway})
 * which becomes the first set, {@code routes}, {@code dataDir} and {@code resolvConf}; plus the
 * requested addresses from {@code CNI_ARGS} {@code IP=}, {@code args.cni.ips} and {@code runtimeConfig.ips}.
 * Invalid values are error 7 (invalid network configuration).
 */
public record IpamConfig(String network, List<RangeSet> rangeSets, List<CniRoute> routes, Path dataDir,
        Path resolvConf, List<InetAddress> requestedIps) {
    public static final String TYPE = "host-local";

    public IpamConfig {
        rangeSets = List.copyOf(rangeSets);
        routes = List.copyOf(routes);
        requestedIps = List.copyOf(requestedIps);
    }

    /** Reads the configuration's {@code ipam} object and the requests; {@code cniArgs} may be empty. */
    public static IpamConfig parse(NetConf config, String cniArgs) {
        var ipam = config.ipam();
        if (ipam == null) {
            throw invalid("IPAM config missing 'ipam' key");
        }
        var sets = new ArrayList<RangeSet>();
        if (ipam.hasNonNull("subnet")) {
            sets.add(new RangeSet(List.of(range(ipam, "ipam."))));
        }
        var ranges = ipam.get("ranges");
        if (ranges != null && !ranges.isNull()) {
            if (!ranges.isArray()) {
                throw invalid("ipam.ranges must be a list of range sets");
            }
            for (int i = 0; i < ranges.size(); i++) {
                var set = ranges.get(i);
                if (!set.isArray()) {
                    throw invalid("ipam.ranges[" + i + "] must be a list of ranges");
                }
                var members = new ArrayList<Range>();
                for (int j = 0; j < set.size(); j++) {
                    members.add(range(set.get(j), "ipam.ranges[" + i + "][" + j + "]."));
                }
                try {
                    sets.add(new RangeSet(members));
                } catch (IllegalArgumentException e) {
                    throw invalid("invalid range set " + i + ": " + e.getMessage());
                }
            }
        }
        if (sets.isEmpty()) {
            throw invalid("no IP ranges specified");
        }
        for (int i = 0; i < sets.size(); i++) {
            for (int j = i + 1; j < sets.size(); j++) {
                if (sets.get(i).overlaps(sets.get(j))) {
                    throw invalid("range set " + i + " overlaps with " + j);
                }
            }
        }
        var dataDir = text(ipam, "dataDir", "ipam.");
        var resolvConf = text(ipam, "resolvConf", "ipam.");
        return new IpamConfig(config.name(), sets, ResultCodec.readRoutes(ipam, "routes", "ipam."),
                dataDir.isEmpty() ? DiskStore.DEFAULT_DATA_DIR : Path.of(dataDir),
                resolvConf.isEmpty() ? null : Path.of(resolvConf), requested(config, cniArgs));
    }

    private static List<InetAddress> requested(NetConf config, String cniArgs) {
        var ips = new ArrayList<InetAddress>();
        CniArgs.parse(cniArgs, Set.of(CniArgs.IP)).ip().ifPresent(ips::add);
        var argsIps = config.raw().at("/args/cni/ips");
        if (argsIps.isArray()) {
            for (var node : argsIps) {
                ips.add(address(node.asText(), "args.cni.ips"));
            }
        }
        ips.addAll(config.runtimeConfig().ips());
        return ips;
    }

    private static Range range(JsonNode node, String path) {
        if (!node.isObject()) {
            throw invalid(path + " must be an object");
        }
        var subnetText = text(node, "subnet", path);
        if (subnetText.isEmpty()) {
            throw invalid(path + "subnet is required");
        }
        IpNet subnet;
        try {
            subnet = IpNet.parse(subnetText);
        } catch (IllegalArgumentException e) {
            throw invalid(path + "subnet: " + e.getMessage());
        }
        try {
            return Range.canonical(subnet, optional(node, "rangeStart", path), optional(node, "rangeEnd", path),
                    optional(node, "gateway", path));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static InetAddress optional(JsonNode node, String key, String path) {
        var value = text(node, key, path);
        return value.isEmpty() ? null : address(value, path + key);
    }

    private static InetAddress address(String text, String field) {
        try {
            return IpNet.parseAddress(text);
        } catch (IllegalArgumentException e) {
            throw invalid(field + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String key, String path) {
        var value = node.get(key);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw invalid(path + key + " must be a string");
        }
        return value.asText();
    }

    private static CniException invalid(String message) {
        return new CniException(CniException.INVALID_NETWORK_CONFIG, message);
    }
}
