package dev.berth.scheduler.model.json;

/**
 * A Kubernetes manifest that cannot be read into the scheduling model: bad syntax, a value of the wrong
 * JSON type, a malformed quantity, an unknown operator or taint effect. The message names the object
 * ({@code Pod default/web}, {@code Node worker-1}) and the field path, and, when read from a file, the
 * file and the document.
 */
public final class ManifestException extends RuntimeException {
    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
