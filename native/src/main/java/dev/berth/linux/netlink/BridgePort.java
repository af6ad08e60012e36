package dev.berth.linux.netlink;

/**
 * The bridge-port settings of a link enslaved to a bridge: {@code hairpin} ({@code IFLA_BRPORT_MODE},
 * frames may leave by the port they came in) and {@code isolated} ({@code IFLA_BRPORT_ISOLATED}, no
 * traffic to other isolated ports).
 */
public record BridgePort(boolean hairpin, boolean isolated) {}
