package dev.berth.scheduler.framework;

/** The outcome kinds of a plugin call, as kube-scheduler's framework defines them. */
public enum Code {
    /** The plugin ran and the pod may go on. */
    SUCCESS,
    /** An internal failure: the attempt ends and the pod is retried with backoff. */
    ERROR,
    /** The pod does not fit here now; preemption (PostFilter) might change that. */
    UNSCHEDULABLE,
    /** The pod does not fit here and preempting other pods would not help. */
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    /** Permit only: hold the pod until allowed, rejected or timed out. */
    WAIT,
    /** PreFilter / PreScore only: this plugin has nothing to do for this pod; skip its Filter / Score. */
    SKIP;

    /** The name kube-scheduler prints for this code. */
    public String upstreamName() {
        return switch (this) {
            case SUCCESS -> "Success";
            case ERROR -> "Error";
            case UNSCHEDULABLE -> "Unschedulable";
            case UNSCHEDULABLE_AND_UNRESOLVABLE -> "UnschedulableAndUnresolvable";
            case WAIT -> "Wait";
            case SKIP -> "Skip";
        };
    }
}
