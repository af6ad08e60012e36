package dev.berth.linux.netlink;

import dev.berth.linux.IpNet;

/**
 * An IP address on an interface.
 *
 * @param linkIndex the interface's index
 * @param address   address and prefix length, e.g. {@code 10.1.0.2/24}
 * @param scope     {@code RT_SCOPE_*}: 0 universe (global), 253 link, 254 host
 * @param flags     {@code IFA_F_*} flags, e.g. 0x40 tentative, 0x80 permanent
 */
public record Address(int linkIndex, IpNet address, int scope, int flags) {
    public static final int SCOPE_UNIVERSE = 0;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;

    /** A global-scope address to add. */
    public static Address of(int linkIndex, IpNet address) {
        return new Address(linkIndex, address, SCOPE_UNIVERSE, 0);
    }
}
