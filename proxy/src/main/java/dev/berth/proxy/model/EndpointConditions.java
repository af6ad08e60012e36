package dev.berth.proxy.model;

/**
 * {@code conditions} of an endpoint, each null when the API object leaves it unset. Unset ready and serving
 * mean true and unset terminating means false, as the API documents.
 */
public record EndpointConditions(Boolean ready, Boolean serving, Boolean terminating) {
    public static final EndpointConditions UNSET = new EndpointConditions(null, null, null);
    public static final EndpointConditions READY = new EndpointConditions(true, true, false);
    /** Terminating but still passing its readiness probe: the fallback when nothing is ready. */
    public static final EndpointConditions SERVING_TERMINATING = new EndpointConditions(false, true, true);
    public static final EndpointConditions NOT_READY = new EndpointConditions(false, false, false);

    public boolean isReady() {
        return ready == null || ready;
    }

    public boolean isServing() {
        return serving == null || serving;
    }

    public boolean isTerminating() {
        return terminating != null && terminating;
    }
}
