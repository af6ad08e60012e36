package dev.berth.linux.netlink;

/** RFC 2863 operational state of a link, as {@code IFLA_OPERSTATE} reports it. */
public enum OperState {
    UNKNOWN, NOTPRESENT, DOWN, LOWERLAYERDOWN, TESTING, DORMANT, UP;

    static OperState of(int value) {
        var values = values();
        return value >= 0 && value < values.length ? values[value] : UNKNOWN;
    }
}
