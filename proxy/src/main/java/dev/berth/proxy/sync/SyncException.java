package dev.berth.proxy.sync;

/** A sync that did not reach the kernel; the tables are as they were before it (restore is atomic per table). */
public final class SyncException extends Exception {
    private final boolean restoreFailed;

    public SyncException(String message) {
        this(message, false);
    }

    /** @param restoreFailed whether iptables-restore itself failed (counted apart from other failures) */
    public SyncException(String message, boolean restoreFailed) {
        super(message);
        this.restoreFailed = restoreFailed;
    }

    /** Whether iptables-restore failed, as opposed to a command before it. */
    public boolean restoreFailed() {
        return restoreFailed;
    }
}
