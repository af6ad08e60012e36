package dev.berth.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** {@link Syscalls} through the JDK's own foreign function API, with errno captured per call. */
final class FfmSyscalls implements Syscalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // Declared after the linker fields: static initializers run in textual order.
    static final FfmSyscalls INSTANCE = new FfmSyscalls();

    private final MethodHandle socket = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private final MethodHandle bind = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private final MethodHandle setsockopt = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private final MethodHandle send = downcall("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private final MethodHandle recv = downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private final MethodHandle open = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private final MethodHandle close = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private final MethodHandle setns = downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private final MethodHandle unshare = downcall("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private final MethodHandle flock = downcall("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private FfmSyscalls() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        var symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Rethrows what a method handle throws; our downcalls throw nothing checked. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            int fd = (int) socket.invokeExact(capture, domain, type, protocol);
            if (fd < 0) {
                throw new SyscallException("socket(" + domain + ", " + type + ", " + protocol + ")", errno(capture));
            }
            return fd;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void bindNetlink(int fd, int portId, int groups) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            // struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }
            var address = arena.allocate(12, 4);
            address.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            address.set(JAVA_INT, 4, portId);
            address.set(JAVA_INT, 8, groups);
            int rc = (int) bind.invokeExact(capture, fd, address, 12);
            if (rc < 0) {
                throw new SyscallException("bind(netlink fd " + fd + ")", errno(capture));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void setsockoptInt(int fd, int level, int option, int value) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            var holder = arena.allocateFrom(JAVA_INT, value);
            int rc = (int) setsockopt.invokeExact(capture, fd, level, option, holder, 4);
            if (rc < 0) {
                throw new SyscallException("setsockopt(fd " + fd + ", " + level + ", " + option + ")", errno(capture));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void send(int fd, byte[] data, int length) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            var buffer = arena.allocate(length);
            MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, length);
            while (true) {
                long sent = (long) send.invokeExact(capture, fd, buffer, (long) length, 0);
                if (sent >= 0) {
                    return;
                }
                int err = errno(capture);
                if (err != Errno.EINTR) {
                    throw new SyscallException("send(fd " + fd + ", " + length + " bytes)", err);
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int receive(int fd, byte[] buffer) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            var segment = arena.allocate(buffer.length);
            while (true) {
                long received = (long) recv.invokeExact(capture, fd, segment, (long) buffer.length, 0);
                if (received >= 0) {
                    MemorySegment.copy(segment, JAVA_BYTE, 0, buffer, 0, (int) received);
                    return (int) received;
                }
                int err = errno(capture);
                if (err != Errno.EINTR) {
                    throw new SyscallException("recv(fd " + fd + ")", err);
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int open(String path, int flags, int mode) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            int fd = (int) open.invokeExact(capture, arena.allocateFrom(path), flags, mode);
            if (fd < 0) {
                throw new SyscallException("open " + path, errno(capture));
            }
            return fd;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void close(int fd) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            int rc = (int) close.invokeExact(capture, fd);
            // close(2) must not be retried on EINTR on Linux: the descriptor is already released.
            if (rc < 0 && errno(capture) != Errno.EINTR) {
                throw new SyscallException("close(fd " + fd + ")", errno(capture));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void setns(int fd, int nstype) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            int rc = (int) setns.invokeExact(capture, fd, nstype);
            if (rc < 0) {
                throw new SyscallException("setns(fd " + fd + ", " + Integer.toHexString(nstype) + ")", errno(capture));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void unshare(int flags) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            int rc = (int) unshare.invokeExact(capture, flags);
            if (rc < 0) {
                throw new SyscallException("unshare(" + Integer.toHexString(flags) + ")", errno(capture));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void flock(int fd, int operation) {
        try (var arena = Arena.ofConfined()) {
            var capture = arena.allocate(CAPTURE);
            while (true) {
                int rc = (int) flock.invokeExact(capture, fd, operation);
                if (rc == 0) {
                    return;
                }
                int err = errno(capture);
                if (err != Errno.EINTR) {
                    throw new SyscallException("flock(fd " + fd + ", " + operation + ")", err);
                }
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
