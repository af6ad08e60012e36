package dev.berth.proxy.model;

/**
 * {@code spec.sessionAffinity} with its ClientIP timeout.
 *
 * @param clientIP       true for {@code ClientIP} affinity
 * @param timeoutSeconds {@code sessionAffinityConfig.clientIP.timeoutSeconds}; only meaningful with clientIP
 */
public record SessionAffinity(boolean clientIP, int timeoutSeconds) {
    /** The API server's default ClientIP timeout (3 hours). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 10800;

    public static final SessionAffinity NONE = new SessionAffinity(false, 0);

    public static SessionAffinity clientIP(int timeoutSeconds) {
        return new SessionAffinity(true, timeoutSeconds);
    }
}
