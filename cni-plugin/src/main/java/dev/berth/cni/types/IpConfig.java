package dev.berth.cni.types;

import dev.berth.linux.IpNet;
import java.net.InetAddress;

/**
 * An address in a result.
 *
 * @param interfaceIndex index into the result's interfaces, or {@code null} (IPAM plugins leave it out)
 * @param address        the address with its prefix length
 * @param gateway        the subnet's gateway, or {@code null}
 */
public record IpConfig(Integer interfaceIndex, IpNet address, InetAddress gateway) {
    public IpConfig {
        if (address == null) {
            throw new IllegalArgumentException("an IP configuration needs an address");
        }
    }

    /** "4" or "6", the 0.3.x/0.4.0 {@code version} field. */
    public String version() {
        return address.isIpv4() ? "4" : "6";
    }
}
