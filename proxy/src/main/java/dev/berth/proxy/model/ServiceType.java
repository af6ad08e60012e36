package dev.berth.proxy.model;

/** {@code spec.type} of a Service. */
public enum ServiceType {
    CLUSTER_IP("ClusterIP"), NODE_PORT("NodePort"), LOAD_BALANCER("LoadBalancer"), EXTERNAL_NAME("ExternalName");

    private final String apiName;

    ServiceType(String apiName) {
        this.apiName = apiName;
    }

    /** The spelling used in the API. */
    public String apiName() {
        return apiName;
    }

    /** Parses the API spelling; a missing value is ClusterIP, the API default. */
    public static ServiceType parse(String value) {
        if (value == null || value.isEmpty()) {
            return CLUSTER_IP;
        }
        for (var type : values()) {
            if (type.apiName.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown service type '" + value + "'");
    }
}
