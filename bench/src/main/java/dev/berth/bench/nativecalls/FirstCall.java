package dev.berth.bench.nativecalls;

import dev.berth.linux.Syscalls;

/**
 * What a CNI plugin process pays before its first kernel answer: load a technology, open an rtnetlink
 * socket, one round trip. Run as a fresh JVM per measurement by {@link StartupHarness}.
 */
public final class FirstCall {
    private FirstCall() {}

    public static void main(String[] args) {
        if (args[0].equals("none")) {
            return;
        }
        Syscalls sys = Calls.of(args[0]);
        int fd = Calls.openRtnetlink(sys);
        int type = Calls.roundTrip(sys, fd, Calls.getLinkRequest(1), new byte[8192]);
        sys.close(fd);
        if (type != Calls.RTM_NEWLINK) {
            throw new IllegalStateException("expected RTM_NEWLINK, got type " + type);
        }
    }
}
