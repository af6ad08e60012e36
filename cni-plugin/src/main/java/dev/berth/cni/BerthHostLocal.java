package dev.berth.cni;

import dev.berth.cni.ipam.hostlocal.HostLocal;
import dev.berth.cni.skel.Skel;
import dev.berth.cni.skel.Trace;

/** {@code berth-host-local}: host-local IPAM as a standalone CNI IPAM plugin. */
public final class BerthHostLocal {
    private BerthHostLocal() {}

    public static void main(String[] args) {
        Trace.start();
        Skel.main(new HostLocal(), "berth-host-local: host-local IPAM sharing the reference plugin's store");
    }
}
