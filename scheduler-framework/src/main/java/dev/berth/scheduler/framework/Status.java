package dev.berth.scheduler.framework;

import java.util.List;

/**
 * The result of a plugin call: a {@link Code}, the human-readable reasons (these become the
 * FailedScheduling text), the plugin that produced it, and the cause of an {@link Code#ERROR}.
 */
public record Status(Code code, List<String> reasons, String plugin, Throwable cause) {
    public static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null, null);
    public static final Status SKIP = new Status(Code.SKIP, List.of(), null, null);

    public Status {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    public static Status unschedulable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), null, null);
    }

    public static Status unresolvable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), null, null);
    }

    public static Status error(String reason) {
        return new Status(Code.ERROR, List.of(reason), null, null);
    }

    public static Status error(Throwable cause) {
        return new Status(Code.ERROR, List.of(String.valueOf(cause.getMessage())), null, cause);
    }

    public static Status of(Code code, String... reasons) {
        return new Status(code, List.of(reasons), null, null);
    }

    /** The same status, attributed to a plugin (done by the framework when a plugin returns it). */
    public Status withPlugin(String name) {
        return name.equals(plugin) ? this : new Status(code, reasons, name, cause);
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public boolean isSkip() {
        return code == Code.SKIP;
    }

    /** Unschedulable or UnschedulableAndUnresolvable. */
    public boolean isRejected() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    }

    /** The reasons joined with ", ", as kube-scheduler's Status.Message(). */
    public String message() {
        return String.join(", ", reasons);
    }

    @Override
    public String toString() {
        return code.upstreamName() + (plugin == null ? "" : " (" + plugin + ")") + (reasons.isEmpty() ? "" : ": " + message());
    }
}
