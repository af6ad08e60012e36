package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * {@link Syscalls} through the JDK's own foreign function API, with errno captured per call.
 *
 * <p>Every call goes through one downcall handle to libc's {@code syscall(2)} wrapper, and memory is filled and
 * read by bulk copies from Java arrays rather than through layout accessors. Both choices are for start-up: each
 * distinct downcall descriptor and each layout accessor makes the JVM generate classes at run time that the AOT
 * cache cannot keep, and a CNI plugin is a fresh process per pod (bench/RESULTS.md has the measurement).
 */
final class FfmSyscalls implements Syscalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = errnoOffset();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final Numbers NR = Numbers.forArch(System.getProperty("os.arch"));
    private static final long AT_FDCWD = -100;
    // long syscall(long number, ...): the number, then up to six arguments, all passed as longs.
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall")),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    // Declared after the fields above: static initializers run in textual order.
    static final FfmSyscalls INSTANCE = new FfmSyscalls();

    /** System call numbers of the architectures Berth runs on (they differ between x86-64 and arm64). */
    private record Numbers(long close, long socket, long bind, long setsockopt, long sendto, long recvfrom,
                           long openat, long setns, long unshare, long flock) {
        static Numbers forArch(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> new Numbers(3, 41, 49, 54, 44, 45, 257, 308, 272, 73);
                case "aarch64", "arm64" -> new Numbers(57, 198, 200, 208, 206, 207, 56, 268, 97, 32);
                default -> throw new UnsupportedOperationException("no system call table for architecture " + arch);
            };
        }
    }

    private FfmSyscalls() {}

    /** Where errno sits in the capture struct, found by walking its members (a layout path would cost start-up). */
    private static long errnoOffset() {
        long offset = 0;
        for (var member : CAPTURE.memberLayouts()) {
            if (member.name().filter("errno"::equals).isPresent()) {
                return offset;
            }
            offset += member.byteSize();
        }
        throw new IllegalStateException("the capture state layout has no errno: " + CAPTURE);
    }

    /** One system call; returns the raw result (negative on failure, with errno left in {@code capture}). */
    private static long call(MemorySegment capture, long number, long a, long b, long c, long d, long e) {
        try {
            return (long) SYSCALL.invokeExact(capture, number, a, b, c, d, e, 0L);
        } catch (Throwable t) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        }
    }

    private static int errno(MemorySegment capture) {
        var bytes = new byte[4];
        MemorySegment.copy(capture, JAVA_BYTE, ERRNO_OFFSET, bytes, 0, 4);
        return ByteBuffer.wrap(bytes).order(ORDER).getInt();
    }

    private static MemorySegment capture(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** Native memory holding {@code bytes}. */
    private static MemorySegment copyIn(Arena arena, byte[] bytes, int length) {
        var segment = arena.allocate(Math.max(length, 1), 8);
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, 0, length);
        return segment;
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            long fd = call(capture, NR.socket(), domain, type, protocol, 0, 0);
            if (fd < 0) {
                throw new SyscallException("socket(" + domain + ", " + type + ", " + protocol + ")", errno(capture));
            }
            return (int) fd;
        }
    }

    @Override
    public void bindNetlink(int fd, int portId, int groups) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            // struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }
            var address = ByteBuffer.allocate(12).order(ORDER)
                    .putShort(0, (short) AF_NETLINK).putInt(4, portId).putInt(8, groups).array();
            long rc = call(capture, NR.bind(), fd, copyIn(arena, address, 12).address(), 12, 0, 0);
            if (rc < 0) {
                throw new SyscallException("bind(netlink fd " + fd + ")", errno(capture));
            }
        }
    }

    @Override
    public void setsockoptInt(int fd, int level, int option, int value) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            var holder = copyIn(arena, ByteBuffer.allocate(4).order(ORDER).putInt(0, value).array(), 4);
            long rc = call(capture, NR.setsockopt(), fd, level, option, holder.address(), 4);
            if (rc < 0) {
                throw new SyscallException("setsockopt(fd " + fd + ", " + level + ", " + option + ")", errno(capture));
            }
        }
    }

    @Override
    public void send(int fd, byte[] data, int length) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            var buffer = copyIn(arena, data, length);
            while (true) {
                // send(2) is sendto(2) without an address.
                long sent = call(capture, NR.sendto(), fd, buffer.address(), length, 0, 0);
                if (sent >= 0) {
                    return;
                }
                int err = errno(capture);
                if (err != Errno.EINTR) {
                    throw new SyscallException("send(fd " + fd + ", " + length + " bytes)", err);
                }
            }
        }
    }

    @Override
    public int receive(int fd, byte[] buffer) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            var segment = arena.allocate(buffer.length, 8);
            while (true) {
                long received = call(capture, NR.recvfrom(), fd, segment.address(), buffer.length, 0, 0);
                if (received >= 0) {
                    MemorySegment.copy(segment, JAVA_BYTE, 0, buffer, 0, (int) received);
                    return (int) received;
                }
                int err = errno(capture);
                if (err != Errno.EINTR) {
                    throw new SyscallException("recv(fd " + fd + ")", err);
                }
            }
        }
    }

    @Override
    public int open(String path, int flags, int mode) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            var utf8 = path.getBytes(StandardCharsets.UTF_8);
            var cString = new byte[utf8.length + 1];
            System.arraycopy(utf8, 0, cString, 0, utf8.length);
            long fd = call(capture, NR.openat(), AT_FDCWD, copyIn(arena, cString, cString.length).address(), flags,
                    mode, 0);
            if (fd < 0) {
                throw new SyscallException("open " + path, errno(capture));
            }
            return (int) fd;
        }
    }

    @Override
    public void close(int fd) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            long rc = call(capture, NR.close(), fd, 0, 0, 0, 0);
            // close(2) must not be retried on EINTR on Linux: the descriptor is already released.
            if (rc < 0 && errno(capture) != Errno.EINTR) {
                throw new SyscallException("close(fd " + fd + ")", errno(capture));
            }
        }
    }

    @Override
    public void setns(int fd, int nstype) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            long rc = call(capture, NR.setns(), fd, nstype, 0, 0, 0);
            if (rc < 0) {
                throw new SyscallException("setns(fd " + fd + ", " + Integer.toHexString(nstype) + ")", errno(capture));
            }
        }
    }

    @Override
    public void unshare(int flags) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            long rc = call(capture, NR.unshare(), flags, 0, 0, 0, 0);
            if (rc < 0) {
                throw new SyscallException("unshare(" + Integer.toHexString(flags) + ")", errno(capture));
            }
        }
    }

    @Override
    public void flock(int fd, int operation) {
        try (var arena = Arena.ofConfined()) {
            var capture = capture(arena);
            while (true) {
                long rc = call(capture, NR.flock(), fd, operation, 0, 0, 0);
                if (rc == 0) {
                    return;
                }
                int err = errno(capture);
                if (err != Errno.EINTR) {
                    throw new SyscallException("flock(fd " + fd + ", " + operation + ")", err);
                }
            }
        }
    }
}
