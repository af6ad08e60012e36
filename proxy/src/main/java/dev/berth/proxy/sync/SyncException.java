package dev.berth.proxy.sync;

/** A sync that did not reach the kernel; the tables are as they were before it (restore is atomic per table). */
public final class SyncException extends Exception {
    public SyncException(String message) {
        super(message);
    }
}
