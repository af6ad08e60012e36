package dev.berth.linux.netlink;

import dev.berth.linux.IpNet;
import java.net.InetAddress;

/**
 * A routing table entry.
 *
 * @param destination destination prefix; {@code 0.0.0.0/0} or {@code ::/0} for a default route
 * @param gateway     next hop, or {@code null} for a directly connected route
 * @param outIndex    output interface index, 0 for none
 * @param table       routing table ({@link #TABLE_MAIN} is 254)
 * @param scope       {@code RT_SCOPE_*}
 * @param protocol    {@code RTPROT_*}: who installed it (2 kernel, 3 boot, 4 static)
 * @param type        {@code RTN_*}: 1 unicast, 2 local, ...
 * @param priority    metric, 0 for none
 */
public record Route(IpNet destination, InetAddress gateway, int outIndex, int table, int scope, int protocol,
        int type, int priority) {
    public static final int TABLE_MAIN = 254;
    public static final int TABLE_LOCAL = 255;
    public static final int SCOPE_UNIVERSE = 0;
    public static final int SCOPE_LINK = 253;
    public static final int PROTOCOL_BOOT = 3;
    public static final int TYPE_UNICAST = 1;

    /**
     * A unicast route in the main table as {@code ip route add} would make it: link scope without a
     * gateway, universe scope with one.
     */
    public static Route unicast(IpNet destination, InetAddress gateway, int outIndex) {
        return new Route(destination.network(), gateway, outIndex, TABLE_MAIN,
                gateway == null ? SCOPE_LINK : SCOPE_UNIVERSE, PROTOCOL_BOOT, TYPE_UNICAST, 0);
    }

    /** The same route with a metric. */
    public Route withPriority(int metric) {
        return new Route(destination, gateway, outIndex, table, scope, protocol, type, metric);
    }
}
