package dev.berth.cni.skel;

import java.util.Optional;

/** The CNI commands of spec 1.1, with the environment variables each one requires. */
public enum Command {
    ADD(true, true, true, true),
    DEL(true, false, true, true),
    CHECK(true, true, true, true),
    STATUS(false, false, false, true),
    GC(false, false, false, true),
    VERSION(false, false, false, false);

    private final boolean needsContainerId;
    private final boolean needsNetns;
    private final boolean needsIfName;
    private final boolean needsPath;

    Command(boolean needsContainerId, boolean needsNetns, boolean needsIfName, boolean needsPath) {
        this.needsContainerId = needsContainerId;
        this.needsNetns = needsNetns;
        this.needsIfName = needsIfName;
        this.needsPath = needsPath;
    }

    /** Whether {@code variable} must be set (non-empty) for this command. */
    public boolean requires(String variable) {
        return switch (variable) {
            case Environment.CNI_CONTAINERID -> needsContainerId;
            case Environment.CNI_NETNS -> needsNetns;
            case Environment.CNI_IFNAME -> needsIfName;
            case Environment.CNI_PATH -> needsPath;
            default -> false;
        };
    }

    public static Optional<Command> of(String name) {
        for (var command : values()) {
            if (command.name().equals(name)) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }
}
