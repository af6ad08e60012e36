package dev.berth.kube;

/** A request to the API server that failed; carries the HTTP status (0 when no response came). */
public final class ApiException extends Exception {
    private final int status;

    public ApiException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean isConflict() {
        return status == 409;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /** 410 Gone: a watch's resource version is too old; relist. */
    public boolean isGone() {
        return status == 410;
    }
}
