package dev.berth.cni.skel;

import dev.berth.linux.Syscalls;

/**
 * Starts the native layer's one-time set-up (linking the FFM downcalls, the largest share of an ADD's
 * time even with the AOT cache) on a daemon thread as soon as a plugin's main runs, so that it overlaps
 * reading and parsing the request instead of following it. Only for the commands that reach the kernel or
 * the IPAM store's lock; VERSION and the help text never load the native layer.
 */
public final class NativeWarmUp {
    private NativeWarmUp() {}

    /** Starts the set-up when {@code command} (CNI_COMMAND, may be null) will need it. */
    public static void start(String command) {
        if (command == null) {
            return;
        }
        switch (command) {
            case "ADD", "DEL", "CHECK", "STATUS", "GC" -> Thread.ofPlatform().daemon().name("berth-native-warm-up").start(() -> {
                try {
                    Syscalls.get();
                } catch (Throwable e) {
                    // The command itself meets the same failure on its first call and reports it in CNI terms.
                }
            });
            default -> {
                // Nothing native to prepare.
            }
        }
    }
}
