package dev.berth.scheduler.model;

/** What a taint does to pods that do not tolerate it. */
public enum TaintEffect {
    NO_SCHEDULE("NoSchedule"),
    PREFER_NO_SCHEDULE("PreferNoSchedule"),
    NO_EXECUTE("NoExecute");

    private final String wire;

    TaintEffect(String wire) {
        this.wire = wire;
    }

    /** The name as the API writes it. */
    public String wire() {
        return wire;
    }

    public static TaintEffect parse(String s) {
        for (TaintEffect e : values()) {
            if (e.wire.equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown taint effect '" + s + "' (want NoSchedule, PreferNoSchedule or NoExecute)");
    }
}
