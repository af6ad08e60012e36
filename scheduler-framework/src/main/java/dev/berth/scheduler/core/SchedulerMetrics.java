package dev.berth.scheduler.core;

import dev.berth.scheduler.framework.Code;
import dev.berth.scheduler.framework.ExtensionPoint;

/**
 * Where the scheduler reports its timings and results (the cluster binary exports them as
 * kube-scheduler's Prometheus metrics). Calls come from the scheduling and binding threads; an
 * implementation must be cheap and thread-safe. Every method does nothing by default.
 */
public interface SchedulerMetrics {
    SchedulerMetrics NONE = new SchedulerMetrics() {};

    /** One attempt ended: result is scheduled, unschedulable or error. */
    default void attempt(String profile, String result, long nanos) {}

    /** Filter + score + select of one attempt. */
    default void algorithm(long nanos) {}

    /** One extension point ran for one pod (Filter and Score: over all nodes). */
    default void extensionPoint(ExtensionPoint point, Code status, String profile, long nanos) {}

    /** One plugin call, in sampled cycles only (as kube-scheduler samples about 10% of them). */
    default void plugin(String plugin, ExtensionPoint point, Code status, long nanos) {}
}
