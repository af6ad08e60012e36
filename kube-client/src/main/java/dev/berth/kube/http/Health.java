package dev.berth.kube.http;

import java.util.Objects;

/** The answer of a health or readiness check: fine, or failing with a reason an operator can act on. */
public sealed interface Health {
    /** The check passes. */
    record Ok() implements Health {}

    /** The check fails; {@code reason} goes into the 500 answer's body. */
    record Failing(String reason) implements Health {
        public Failing {
            Objects.requireNonNull(reason, "reason");
        }
    }

    Health OK = new Ok();

    static Health ok() {
        return OK;
    }

    static Health failing(String reason) {
        return new Failing(reason);
    }
}
