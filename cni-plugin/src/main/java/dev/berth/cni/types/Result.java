package dev.berth.cni.types;

import java.util.List;

/**
 * A plugin's result in the current (1.x) shape. Older versions are conversions of it: see
 * {@link ResultCodec} for the JSON of each version and the conversions between them.
 */
public record Result(List<Interface> interfaces, List<IpConfig> ips, List<CniRoute> routes, Dns dns) {
    public Result {
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        ips = ips == null ? List.of() : List.copyOf(ips);
        routes = routes == null ? List.of() : List.copyOf(routes);
        dns = dns == null ? Dns.EMPTY : dns;
    }
}
