package dev.berth.linux;

/**
 * A Linux call failed with an errno. The message names the operation, the errno symbol and its text,
 * e.g. {@code add link br0 (bridge): EEXIST (File exists)}.
 */
public sealed abstract class LinuxException extends RuntimeException permits SyscallException, NetlinkException {
    private final String operation;
    private final int errno;

    LinuxException(String operation, int errno, String detail) {
        super(operation + ": " + Errno.name(errno) + describe(errno, detail));
        this.operation = operation;
        this.errno = errno;
    }

    private static String describe(int errno, String detail) {
        var text = Errno.text(errno);
        var parts = new StringBuilder();
        if (!text.isEmpty()) {
            parts.append(" (").append(text).append(')');
        }
        if (detail != null && !detail.isEmpty()) {
            parts.append(": ").append(detail);
        }
        return parts.toString();
    }

    /** What was being done, e.g. {@code open /var/run/netns/x} or {@code add link br0 (bridge)}. */
    public String operation() {
        return operation;
    }

    /** The positive errno number. */
    public int errno() {
        return errno;
    }

    /** The errno symbol, e.g. {@code ENODEV}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
