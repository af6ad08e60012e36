package dev.berth.scheduler.model;

import java.util.List;

/** One {@code key operator values} expression of a node selector term (label or field). */
public record NodeSelectorRequirement(String key, Operator operator, List<String> values) {
    /** The six node selector operators. */
    public enum Operator {
        IN("In"), NOT_IN("NotIn"), EXISTS("Exists"), DOES_NOT_EXIST("DoesNotExist"), GT("Gt"), LT("Lt");

        private final String wire;

        Operator(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Operator parse(String s) {
            for (Operator o : values()) {
                if (o.wire.equals(s)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown node selector operator '" + s + "'");
        }
    }

    public NodeSelectorRequirement {
        values = values == null ? List.of() : List.copyOf(values);
    }
}
