package dev.berth.kube.http;

import java.util.Objects;

/**
 * One metric family of a {@link Registry}: its name, help text, and how it writes its samples in the
 * text exposition format. The name and help live here once, for every kind of family.
 */
public abstract sealed class Collector permits Labelled, GaugeFunction {
    private final String name;
    private final String help;

    Collector(String name, String help) {
        this.name = Objects.requireNonNull(name, "name");
        this.help = Objects.requireNonNull(help, "help");
    }

    /** The family name, e.g. {@code scheduler_schedule_attempts_total}. */
    public final String name() {
        return name;
    }

    /** The one-line description written after {@code # HELP}. */
    public final String help() {
        return help;
    }

    /**
     * Appends {@code # HELP}, {@code # TYPE} and every sample of this family; appends nothing when the
     * family has no series yet (as the Go client leaves out a vector nobody has touched).
     */
    public abstract void writeTo(StringBuilder out);

    /** The header of this family with its {@code # TYPE}. */
    final void appendHeader(StringBuilder out, String type) {
        TextFormat.appendHeader(out, name, help, type);
    }
}
