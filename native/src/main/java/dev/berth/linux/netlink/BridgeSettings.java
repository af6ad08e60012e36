package dev.berth.linux.netlink;

/**
 * The settings of a bridge device ({@code IFLA_INFO_DATA} of kind {@code bridge}) that Berth reads.
 *
 * @param vlanFiltering {@code IFLA_BR_VLAN_FILTERING}: ports forward only the VLANs configured on them
 */
public record BridgeSettings(boolean vlanFiltering) {}
