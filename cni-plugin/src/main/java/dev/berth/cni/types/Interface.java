package dev.berth.cni.types;

/**
 * An interface in a result. {@code mtu}, {@code socketPath} and {@code pciID} exist from 1.1.0 on;
 * empty strings and 0 mean absent.
 */
public record Interface(String name, String mac, int mtu, String sandbox, String socketPath, String pciId) {
    public Interface {
        name = name == null ? "" : name;
        mac = mac == null ? "" : mac;
        sandbox = sandbox == null ? "" : sandbox;
        socketPath = socketPath == null ? "" : socketPath;
        pciId = pciId == null ? "" : pciId;
    }

    public static Interface of(String name, String mac, String sandbox) {
        return new Interface(name, mac, 0, sandbox, "", "");
    }
}
