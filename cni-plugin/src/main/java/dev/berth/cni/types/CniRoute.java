package dev.berth.cni.types;

import dev.berth.linux.IpNet;
import java.net.InetAddress;

/**
 * A route in a configuration or result. {@code mtu}, {@code advmss}, {@code priority} are 0 when unset;
 * {@code table} and {@code scope} (1.1.0) are {@code null} when unset.
 */
public record CniRoute(IpNet dst, InetAddress gw, int mtu, int advmss, int priority, Integer table, Integer scope) {
    public CniRoute {
        if (dst == null) {
            throw new IllegalArgumentException("a route needs a destination");
        }
    }

    public static CniRoute of(IpNet dst, InetAddress gw) {
        return new CniRoute(dst, gw, 0, 0, 0, null, null);
    }
}
