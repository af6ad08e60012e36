package dev.berth.proxy.sync;

/**
 * Which kernel interface the installed {@code iptables} drives. kube-proxy works with either; Berth uses the
 * {@code iptables} on the PATH and reports which one it is, as {@code iptables --version} prints it.
 */
public enum Backend {
    NFT("nf_tables"), LEGACY("legacy"), UNKNOWN("unknown");

    private final String label;

    Backend(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Reads {@code iptables v1.8.9 (nf_tables)} / {@code (legacy)}; versions before 1.8 print no mode and are legacy. */
    public static Backend parse(String versionOutput) {
        if (versionOutput.contains("(nf_tables)")) {
            return NFT;
        }
        if (versionOutput.contains("(legacy)")) {
            return LEGACY;
        }
        return versionOutput.startsWith("iptables v1.") && !versionOutput.contains("(") ? LEGACY : UNKNOWN;
    }
}
