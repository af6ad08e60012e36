package dev.berth.linux.netlink;

import dev.berth.linux.MacAddress;

/**
 * A network interface as the kernel reports it.
 *
 * @param index       interface index, unique within its namespace
 * @param name        interface name
 * @param flags       {@code IFF_*} flags
 * @param mtu         MTU in bytes
 * @param mac         hardware address, or {@code null} for links without one
 * @param operState   operational state
 * @param masterIndex index of the bridge (or other master) it is enslaved to, 0 for none
 * @param kind        {@code IFLA_INFO_KIND} such as {@code bridge} or {@code veth}, or {@code null}
 * @param linkIndex   {@code IFLA_LINK}, e.g. a veth's peer index (possibly in another namespace), 0 for none
 * @param bridgePort  the bridge-port settings when enslaved to a bridge, else {@code null}
 * @param bridge      the bridge's own settings when this link is a bridge, else {@code null}
 */
public record Link(int index, String name, int flags, int mtu, MacAddress mac, OperState operState,
        int masterIndex, String kind, int linkIndex, BridgePort bridgePort, BridgeSettings bridge) {

    /** Administratively up ({@code IFF_UP}). */
    public boolean up() {
        return (flags & Rt.IFF_UP) != 0;
    }

    /** Promiscuous mode ({@code IFF_PROMISC}). */
    public boolean promiscuous() {
        return (flags & Rt.IFF_PROMISC) != 0;
    }
}
