package dev.berth.proxy.model;

/** {@code addressType} of an EndpointSlice. */
public enum AddressType {
    IPV4("IPv4"), IPV6("IPv6"), FQDN("FQDN");

    private final String apiName;

    AddressType(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static AddressType parse(String value) {
        for (var type : values()) {
            if (type.apiName.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown EndpointSlice addressType '" + value + "' (want IPv4, IPv6 or FQDN)");
    }
}
