package dev.berth.scheduler.cluster.http;

/**
 * One metric family of a {@link Registry}: its name, help text, and how it writes its samples in the
 * text exposition format.
 */
public sealed interface Collector permits Counter, Histogram, GaugeFunction {
    /** The family name, e.g. {@code scheduler_schedule_attempts_total}. */
    String name();

    /** The one-line description written after {@code # HELP}. */
    String help();

    /**
     * Appends {@code # HELP}, {@code # TYPE} and every sample of this family; appends nothing when the
     * family has no series yet (as the Go client leaves out a vector nobody has touched).
     */
    void writeTo(StringBuilder out);
}
