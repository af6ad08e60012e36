package dev.berth.cni.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cni.types.CniVersions.ResultFormat;
import dev.berth.linux.IpNet;
import java.util.ArrayList;
import java.util.List;

/**
 * Result JSON for every CNI version, with the conversions libcni applies between them:
 * <ul>
 *   <li>1.x: {@code interfaces} (with {@code mtu}, {@code socketPath}, {@code pciID}), {@code ips}
 *       without {@code version}, {@code routes}, {@code dns} left out when empty;</li>
 *   <li>0.3.0/0.3.1/0.4.0: interfaces carry only {@code name}, {@code mac}, {@code sandbox}; each IP has
 *       {@code version} "4"/"6"; {@code dns} is always present, {@code {}} when empty;</li>
 *   <li>0.1.0/0.2.0: the first IPv4 and first IPv6 address become {@code ip4}/{@code ip6}, each with the
 *       routes of its family (only {@code dst} and {@code gw}); interfaces are dropped; a result without
 *       addresses cannot be expressed and is an error.</li>
 * </ul>
 */
public final class ResultCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResultCodec() {}

    /** The result as {@code version} prints it. */
    public static ObjectNode write(Result result, String version) {
        return switch (CniVersions.format(version)) {
            case V100 -> write100(result, version);
            case V040 -> write040(result, version);
            case V020 -> write020(result, version);
        };
    }

    private static ObjectNode write100(Result result, String version) {
        var json = NODES.objectNode().put("cniVersion", version);
        if (!result.interfaces().isEmpty()) {
            var interfaces = json.putArray("interfaces");
            for (var intf : result.interfaces()) {
                var node = interfaces.addObject().put("name", intf.name());
                putIfSet(node, "mac", intf.mac());
                if (intf.mtu() != 0) {
                    node.put("mtu", intf.mtu());
                }
                putIfSet(node, "sandbox", intf.sandbox());
                putIfSet(node, "socketPath", intf.socketPath());
                putIfSet(node, "pciID", intf.pciId());
            }
        }
        writeIps(json, result, false);
        writeRoutes(json, result.routes(), true);
        if (!result.dns().isEmpty()) {
            json.set("dns", dns(result.dns()));
        }
        return json;
    }

    private static ObjectNode write040(Result result, String version) {
        var json = NODES.objectNode().put("cniVersion", version);
        if (!result.interfaces().isEmpty()) {
            var interfaces = json.putArray("interfaces");
            for (var intf : result.interfaces()) {
                var node = interfaces.addObject().put("name", intf.name());
                putIfSet(node, "mac", intf.mac());
                putIfSet(node, "sandbox", intf.sandbox());
            }
        }
        writeIps(json, result, true);
        writeRoutes(json, result.routes(), true);
        // libcni's 0.4.0 type cannot omit an empty DNS struct, so "dns": {} is part of the format.
        json.set("dns", dns(result.dns()));
        return json;
    }

    private static ObjectNode write020(Result result, String version) {
        IpConfig ip4 = null;
        IpConfig ip6 = null;
        for (var ip : result.ips()) {
            if (ip.address().isIpv4() && ip4 == null) {
                ip4 = ip;
            } else if (!ip.address().isIpv4() && ip6 == null) {
                ip6 = ip;
            }
        }
        if (ip4 == null && ip6 == null) {
            throw new CniException(CniException.INCOMPATIBLE_CNI_VERSION, "cannot convert: no valid IP addresses");
        }
        var json = NODES.objectNode().put("cniVersion", version);
        write020Family(json, "ip4", ip4, result.routes());
        write020Family(json, "ip6", ip6, result.routes());
        json.set("dns", dns(result.dns()));
        return json;
    }

    /** One of ip4/ip6 with the routes of its address family. */
    private static void write020Family(ObjectNode json, String key, IpConfig ip, List<CniRoute> allRoutes) {
        if (ip == null) {
            return;
        }
        var node = json.putObject(key).put("ip", ip.address().toString());
        if (ip.gateway() != null) {
            node.put("gateway", IpNet.format(ip.gateway()));
        }
        var routes = allRoutes.stream()
                .filter(r -> r.dst().isIpv4() == ip.address().isIpv4())
                .map(r -> CniRoute.of(r.dst(), r.gw()))
                .toList();
        writeRoutes(node, routes, false);
    }

    private static void writeIps(ObjectNode json, Result result, boolean withVersion) {
        if (result.ips().isEmpty()) {
            return;
        }
        var ips = json.putArray("ips");
        for (var ip : result.ips()) {
            var node = ips.addObject();
            if (withVersion) {
                node.put("version", ip.version());
            }
            if (ip.interfaceIndex() != null) {
                node.put("interface", ip.interfaceIndex());
            }
            node.put("address", ip.address().toString());
            if (ip.gateway() != null) {
                node.put("gateway", IpNet.format(ip.gateway()));
            }
        }
    }

    private static void writeRoutes(ObjectNode json, List<CniRoute> routes, boolean full) {
        if (routes.isEmpty()) {
            return;
        }
        var array = json.putArray("routes");
        for (var route : routes) {
            array.add(route(route, full));
        }
    }

    /** One route object; {@code full} adds the fields beyond dst/gw. */
    public static ObjectNode route(CniRoute route, boolean full) {
        var node = NODES.objectNode().put("dst", route.dst().toString());
        if (route.gw() != null) {
            node.put("gw", IpNet.format(route.gw()));
        }
        if (full) {
            if (route.mtu() != 0) {
                node.put("mtu", route.mtu());
            }
            if (route.advmss() != 0) {
                node.put("advmss", route.advmss());
            }
            if (route.priority() != 0) {
                node.put("priority", route.priority());
            }
            if (route.table() != null) {
                node.put("table", route.table());
            }
            if (route.scope() != null) {
                node.put("scope", route.scope());
            }
        }
        return node;
    }

    static ObjectNode dns(Dns dns) {
        var node = NODES.objectNode();
        if (!dns.nameservers().isEmpty()) {
            dns.nameservers().forEach(node.putArray("nameservers")::add);
        }
        putIfSet(node, "domain", dns.domain());
        if (!dns.search().isEmpty()) {
            dns.search().forEach(node.putArray("search")::add);
        }
        if (!dns.options().isEmpty()) {
            dns.options().forEach(node.putArray("options")::add);
        }
        return node;
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(key, value);
        }
    }

    /**
     * Reads a result written in {@code version}'s layout (up-converting older layouts). The result's own
     * {@code cniVersion} must belong to the same layout, as libcni's result types require.
     */
    public static Result read(JsonNode json, String version) {
        if (json == null || !json.isObject()) {
            throw Json.decoding("result", "expected an object");
        }
        var format = CniVersions.format(version);
        var own = Json.string(json, "cniVersion", "");
        if (!own.isEmpty() && CniVersions.format(own) != format) {
            throw Json.decoding("result", "result type for version " + version
                    + " cannot hold a result with cniVersion \"" + own + "\"");
        }
        return switch (format) {
            case V100, V040 -> readCurrent(json, format);
            case V020 -> read020(json);
        };
    }

    private static Result readCurrent(JsonNode json, ResultFormat format) {
        var interfaces = new ArrayList<Interface>();
        var items = Json.array(json, "interfaces", "");
        for (int i = 0; i < items.size(); i++) {
            var node = items.get(i);
            var path = "interfaces[" + i + "].";
            boolean rich = format == ResultFormat.V100;
            interfaces.add(new Interface(Json.string(node, "name", path), Json.string(node, "mac", path),
                    rich ? Json.integer(node, "mtu", path) : 0, Json.string(node, "sandbox", path),
                    rich ? Json.string(node, "socketPath", path) : "", rich ? Json.string(node, "pciID", path) : ""));
        }
        var ips = new ArrayList<IpConfig>();
        var ipItems = Json.array(json, "ips", "");
        for (int i = 0; i < ipItems.size(); i++) {
            var node = ipItems.get(i);
            var path = "ips[" + i + "].";
            ips.add(new IpConfig(Json.optionalInteger(node, "interface", path), Json.cidr(node, "address", path),
                    Json.ip(node, "gateway", path)));
        }
        return new Result(interfaces, ips, readRoutes(json, "routes", ""), readDns(Json.object(json, "dns", "")));
    }

    private static Result read020(JsonNode json) {
        var ips = new ArrayList<IpConfig>();
        var routes = new ArrayList<CniRoute>();
        for (var key : List.of("ip4", "ip6")) {
            var node = Json.object(json, key, "");
            if (node == null) {
                continue;
            }
            ips.add(new IpConfig(null, Json.cidr(node, "ip", key + "."), Json.ip(node, "gateway", key + ".")));
            routes.addAll(readRoutes(node, "routes", key + "."));
        }
        return new Result(List.of(), ips, routes, readDns(Json.object(json, "dns", "")));
    }

    /** Routes as configs and results spell them. */
    public static List<CniRoute> readRoutes(JsonNode parent, String key, String path) {
        var routes = new ArrayList<CniRoute>();
        var items = Json.array(parent, key, path);
        for (int i = 0; i < items.size(); i++) {
            var node = items.get(i);
            var at = path + key + "[" + i + "].";
            routes.add(new CniRoute(Json.cidr(node, "dst", at), Json.ip(node, "gw", at), Json.integer(node, "mtu", at),
                    Json.integer(node, "advmss", at), Json.integer(node, "priority", at),
                    Json.optionalInteger(node, "table", at), Json.optionalInteger(node, "scope", at)));
        }
        return routes;
    }

    /** DNS as configs and results spell it; {@code null} reads as empty. */
    public static Dns readDns(JsonNode node) {
        if (node == null) {
            return Dns.EMPTY;
        }
        return new Dns(Json.strings(node, "nameservers", "dns."), Json.string(node, "domain", "dns."),
                Json.strings(node, "search", "dns."), Json.strings(node, "options", "dns."));
    }
}
