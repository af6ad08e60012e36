package dev.berth.linux.netlink;

import dev.berth.linux.Errno;
import dev.berth.linux.NetlinkException;
import dev.berth.linux.SyscallException;
import dev.berth.linux.Syscalls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A NETLINK_ROUTE socket speaking request/acknowledge and dump exchanges. The socket stays in the network
 * namespace of the thread that opened it. One exchange at a time; methods are synchronized.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 1 << 16;
    private static final int DUMP_ATTEMPTS = 5;

    private final Syscalls calls;
    private final int fd;
    private final byte[] receiveBuffer = new byte[RECEIVE_BUFFER];
    private int sequence;
    private boolean closed;

    private NetlinkSocket(Syscalls calls, int fd) {
        this.calls = calls;
        this.fd = fd;
        this.sequence = (int) (System.nanoTime() & 0x3fffffff);
    }

    /** Opens and binds a socket in the calling thread's network namespace. */
    static NetlinkSocket open() {
        var calls = Syscalls.get();
        int fd = calls.socket(Syscalls.AF_NETLINK, Syscalls.SOCK_RAW | Syscalls.SOCK_CLOEXEC, Syscalls.NETLINK_ROUTE);
        try {
            optional(calls, fd, Rt.NETLINK_EXT_ACK);
            optional(calls, fd, Rt.NETLINK_CAP_ACK);
            calls.bindNetlink(fd, 0, 0);
            return new NetlinkSocket(calls, fd);
        } catch (RuntimeException e) {
            calls.close(fd);
            throw e;
        }
    }

    /** Extended acks give the kernel's error text; older kernels lack them, which is fine. */
    private static void optional(Syscalls calls, int fd, int option) {
        try {
            calls.setsockoptInt(fd, Syscalls.SOL_NETLINK, option, 1);
        } catch (SyscallException ignored) {
            // ENOPROTOOPT on kernels before 4.12: errors then carry the errno alone.
        }
    }

    /** Sends a request with NLM_F_ACK and waits for the kernel's acknowledgement. */
    synchronized void execute(MessageWriter message, String operation) {
        int seq = send(message);
        while (true) {
            for (var reply : receive(operation)) {
                if (reply.sequence() != seq) {
                    continue;
                }
                if (reply.type() == Rt.NLMSG_ERROR) {
                    throwIfError(reply, operation);
                    return;
                }
            }
        }
    }

    /** Sends a request expecting one reply message (e.g. RTM_GETLINK by name); returns its payload. */
    synchronized ByteBuffer get(MessageWriter message, String operation) {
        int seq = send(message);
        ByteBuffer answer = null;
        while (true) {
            for (var reply : receive(operation)) {
                if (reply.sequence() != seq) {
                    continue;
                }
                if (reply.type() == Rt.NLMSG_ERROR) {
                    throwIfError(reply, operation);
                    if (answer == null) {
                        throw new NetlinkException(operation, Errno.ENODEV, "no reply");
                    }
                    return answer;
                }
                answer = reply.payload();
                if ((message.flags() & Rt.NLM_F_ACK) == 0) {
                    return answer;
                }
            }
        }
    }

    /** Sends a NLM_F_DUMP request and returns the payload of every reply; restarts interrupted dumps. */
    synchronized List<Reply> dump(MessageWriter message, String operation) {
        for (int attempt = 1; ; attempt++) {
            int seq = send(message);
            var replies = new ArrayList<Reply>();
            boolean interrupted = false;
            boolean done = false;
            while (!done) {
                for (var reply : receive(operation)) {
                    if (reply.sequence() != seq) {
                        continue;
                    }
                    if ((reply.flags() & Rt.NLM_F_DUMP_INTR) != 0) {
                        interrupted = true;
                    }
                    switch (reply.type()) {
                        case Rt.NLMSG_ERROR -> throwIfError(reply, operation);
                        case Rt.NLMSG_DONE -> {
                            var payload = reply.payload();
                            if (payload.remaining() >= 4 && payload.getInt(0) < 0) {
                                throw new NetlinkException(operation, -payload.getInt(0), null);
                            }
                            done = true;
                        }
                        case Rt.NLMSG_NOOP, Rt.NLMSG_OVERRUN -> { }
                        default -> replies.add(reply);
                    }
                }
            }
            if (!interrupted) {
                return replies;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new NetlinkException(operation, Errno.EAGAIN, "dump interrupted " + attempt + " times");
            }
        }
    }

    private int send(MessageWriter message) {
        ensureOpen();
        int seq = ++sequence;
        var bytes = message.finish(seq);
        calls.send(fd, bytes, bytes.length);
        return seq;
    }

    /** One received netlink message. */
    record Reply(int type, int flags, int sequence, ByteBuffer payload) {}

    private List<Reply> receive(String operation) {
        int length = calls.receive(fd, receiveBuffer);
        return split(ByteBuffer.wrap(receiveBuffer, 0, length).slice(), operation);
    }

    /** Splits a datagram into its messages; package-private for the codec tests. */
    static List<Reply> split(ByteBuffer datagram, String operation) {
        var buffer = datagram.order(ByteOrder.nativeOrder());
        var replies = new ArrayList<Reply>();
        int offset = 0;
        while (offset + Rt.NLMSG_HDRLEN <= buffer.limit()) {
            int length = buffer.getInt(offset);
            if (length < Rt.NLMSG_HDRLEN || offset + length > buffer.limit()) {
                throw new NetlinkException(operation, Errno.EPROTO, "malformed reply of " + length + " bytes");
            }
            int type = Short.toUnsignedInt(buffer.getShort(offset + 4));
            int flags = Short.toUnsignedInt(buffer.getShort(offset + 6));
            int seq = buffer.getInt(offset + 8);
            var payload = buffer.slice(offset + Rt.NLMSG_HDRLEN, length - Rt.NLMSG_HDRLEN).order(ByteOrder.nativeOrder());
            // Copy: the receive buffer is reused by the next recv.
            var copy = ByteBuffer.allocate(payload.remaining()).order(ByteOrder.nativeOrder());
            copy.put(payload).flip();
            replies.add(new Reply(type, flags, seq, copy));
            offset += (length + 3) & ~3;
        }
        return replies;
    }

    /** An NLMSG_ERROR with error 0 is the ack; anything else becomes a {@link NetlinkException}. */
    static void throwIfError(Reply reply, String operation) {
        var payload = reply.payload();
        int error = payload.getInt(0);
        if (error == 0) {
            return;
        }
        String text = null;
        if ((reply.flags() & Rt.NLM_F_ACK_TLVS) != 0 && payload.remaining() >= 4 + Rt.NLMSG_HDRLEN) {
            int echoed = (reply.flags() & Rt.NLM_F_CAPPED) != 0 ? Rt.NLMSG_HDRLEN : payload.getInt(4);
            int tlvStart = 4 + ((echoed + 3) & ~3);
            if (tlvStart < payload.limit()) {
                text = Attributes.parse(payload.duplicate().position(tlvStart)).string(Rt.NLMSGERR_ATTR_MSG);
            }
        }
        throw new NetlinkException(operation, -error, text);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            calls.close(fd);
        }
    }
}
