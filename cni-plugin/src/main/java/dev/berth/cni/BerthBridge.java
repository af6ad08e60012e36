package dev.berth.cni;

import dev.berth.cni.bridge.BridgePlugin;
import dev.berth.cni.skel.Skel;
import dev.berth.cni.skel.Trace;

/** {@code berth-bridge}: the bridge CNI plugin as an executable. */
public final class BerthBridge {
    private BerthBridge() {}

    public static void main(String[] args) {
        Trace.start();
        Skel.main(new BridgePlugin(), "berth-bridge: a bridge CNI plugin with in-process host-local IPAM");
    }
}
