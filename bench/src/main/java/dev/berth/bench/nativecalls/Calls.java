package dev.berth.bench.nativecalls;

import dev.berth.linux.Syscalls;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The measured calls, the same for every technology: pick one by name, do a netlink round trip. */
final class Calls {
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWLINK = 16;
    static final int NLM_F_REQUEST = 1;

    private Calls() {}

    static Syscalls of(String technology) {
        return switch (technology) {
            case "ffm" -> Syscalls.get();
            case "jna" -> JnaSyscalls.INSTANCE;
            case "jnr" -> JnrSyscalls.INSTANCE;
            default -> throw new IllegalArgumentException("technology must be ffm, jna or jnr: " + technology);
        };
    }

    /** RTM_GETLINK for interface index 1 (lo): a read-only question to the kernel, answered by one RTM_NEWLINK. */
    static byte[] getLinkRequest(int seq) {
        return ByteBuffer.allocate(32).order(ByteOrder.nativeOrder())
                .putInt(32).putShort((short) RTM_GETLINK).putShort((short) NLM_F_REQUEST).putInt(seq).putInt(0)
                .put((byte) 0).put((byte) 0).putShort((short) 0).putInt(1).putInt(0).putInt(0).array();
    }

    /** One request and its answer on an open rtnetlink socket; returns the answer's message type. */
    static int roundTrip(Syscalls sys, int fd, byte[] request, byte[] buffer) {
        sys.send(fd, request, request.length);
        int n = sys.receive(fd, buffer);
        if (n < 16) {
            throw new IllegalStateException("short netlink answer: " + n + " bytes");
        }
        return ByteBuffer.wrap(buffer, 4, 2).order(ByteOrder.nativeOrder()).getShort();
    }

    static int openRtnetlink(Syscalls sys) {
        int fd = sys.socket(Syscalls.AF_NETLINK, Syscalls.SOCK_RAW | Syscalls.SOCK_CLOEXEC, Syscalls.NETLINK_ROUTE);
        sys.bindNetlink(fd, 0, 0);
        return fd;
    }
}
