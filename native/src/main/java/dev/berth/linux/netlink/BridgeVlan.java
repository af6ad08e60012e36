package dev.berth.linux.netlink;

/**
 * One VLAN on a bridge port or on the bridge device itself, as {@code bridge vlan show} lists it.
 *
 * @param vid      the VLAN id, 1 to 4094
 * @param pvid     untagged frames arriving on the port are put in this VLAN (at most one per port)
 * @param untagged frames of this VLAN leave the port without a tag ("Egress Untagged")
 */
public record BridgeVlan(int vid, boolean pvid, boolean untagged) {
    public BridgeVlan {
        if (vid < 1 || vid > 4094) {
            throw new IllegalArgumentException("VLAN id " + vid + " is outside 1..4094");
        }
    }

    /** An access VLAN: untagged frames in, untagged frames out. */
    public static BridgeVlan access(int vid) {
        return new BridgeVlan(vid, true, true);
    }

    /** A trunk VLAN: its frames keep their tag both ways. */
    public static BridgeVlan tagged(int vid) {
        return new BridgeVlan(vid, false, false);
    }

    int flags() {
        return (pvid ? Rt.BRIDGE_VLAN_INFO_PVID : 0) | (untagged ? Rt.BRIDGE_VLAN_INFO_UNTAGGED : 0);
    }

    @Override
    public String toString() {
        return vid + (pvid ? " PVID" : "") + (untagged ? " untagged" : "");
    }
}
