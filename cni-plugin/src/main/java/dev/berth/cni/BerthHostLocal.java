package dev.berth.cni;

import dev.berth.cni.ipam.hostlocal.HostLocal;
import dev.berth.cni.skel.Skel;

/** {@code berth-host-local}: host-local IPAM as a standalone CNI IPAM plugin. */
public final class BerthHostLocal {
    private BerthHostLocal() {}

    public static void main(String[] args) {
        Skel.main(new HostLocal(), "berth-host-local: host-local IPAM sharing the reference plugin's store");
    }
}
