package dev.berth.proxy.model;

/** {@code externalTrafficPolicy} / {@code internalTrafficPolicy}. */
public enum TrafficPolicy {
    CLUSTER, LOCAL;

    /** Parses the API spelling; missing is Cluster, and the pre-1.x alias "Global" means Cluster too. */
    public static TrafficPolicy parse(String value) {
        if (value == null || value.isEmpty() || value.equals("Cluster") || value.equals("Global")) {
            return CLUSTER;
        }
        if (value.equals("Local")) {
            return LOCAL;
        }
        throw new IllegalArgumentException("unknown traffic policy '" + value + "' (want Cluster or Local)");
    }
}
