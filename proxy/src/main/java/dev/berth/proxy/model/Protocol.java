package dev.berth.proxy.model;

import java.util.Locale;

/** A Service or endpoint port protocol. */
public enum Protocol {
    TCP, UDP, SCTP;

    private final String lower = name().toLowerCase(Locale.ROOT);

    /** The lower-case spelling iptables and kube-proxy's chain hashes use ({@code tcp}). */
    public String lower() {
        return lower;
    }

    /** Parses the API spelling; a missing value is TCP, as the API server defaults it. */
    public static Protocol parse(String value) {
        if (value == null || value.isEmpty()) {
            return TCP;
        }
        return switch (value) {
            case "TCP" -> TCP;
            case "UDP" -> UDP;
            case "SCTP" -> SCTP;
            default -> throw new IllegalArgumentException("unknown protocol '" + value + "' (want TCP, UDP or SCTP)");
        };
    }
}
