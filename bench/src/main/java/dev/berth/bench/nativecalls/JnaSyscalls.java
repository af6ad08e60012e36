package dev.berth.bench.nativecalls;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import dev.berth.linux.SyscallException;
import dev.berth.linux.Syscalls;

/** {@link Syscalls} through JNA's direct mapping (its fastest mode), for the comparison only. */
final class JnaSyscalls implements Syscalls {
    static final JnaSyscalls INSTANCE = new JnaSyscalls();

    /** libc, direct-mapped. */
    private static final class C {
        static {
            Native.register(C.class, "c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

        static native int setsockopt(int fd, int level, int option, int[] value, int len) throws LastErrorException;

        static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        static native int open(String path, int flags, int mode) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native int setns(int fd, int nstype) throws LastErrorException;

        static native int unshare(int flags) throws LastErrorException;

        static native int flock(int fd, int operation) throws LastErrorException;
    }

    private static SyscallException fail(String call, LastErrorException e) {
        return new SyscallException(call, e.getErrorCode());
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        try {
            return C.socket(domain, type, protocol);
        } catch (LastErrorException e) {
            throw fail("socket", e);
        }
    }

    @Override
    public void bindNetlink(int fd, int portId, int groups) {
        try {
            C.bind(fd, SockaddrNl.bytes(portId, groups), SockaddrNl.SIZE);
        } catch (LastErrorException e) {
            throw fail("bind", e);
        }
    }

    @Override
    public void setsockoptInt(int fd, int level, int option, int value) {
        try {
            C.setsockopt(fd, level, option, new int[] {value}, 4);
        } catch (LastErrorException e) {
            throw fail("setsockopt", e);
        }
    }

    @Override
    public void send(int fd, byte[] data, int length) {
        try {
            C.send(fd, data, length, 0);
        } catch (LastErrorException e) {
            throw fail("send", e);
        }
    }

    @Override
    public int receive(int fd, byte[] buffer) {
        try {
            return (int) C.recv(fd, buffer, buffer.length, 0);
        } catch (LastErrorException e) {
            throw fail("recv", e);
        }
    }

    @Override
    public int open(String path, int flags, int mode) {
        try {
            return C.open(path, flags, mode);
        } catch (LastErrorException e) {
            throw fail("open " + path, e);
        }
    }

    @Override
    public void close(int fd) {
        try {
            C.close(fd);
        } catch (LastErrorException e) {
            throw fail("close", e);
        }
    }

    @Override
    public void setns(int fd, int nstype) {
        try {
            C.setns(fd, nstype);
        } catch (LastErrorException e) {
            throw fail("setns", e);
        }
    }

    @Override
    public void unshare(int flags) {
        try {
            C.unshare(flags);
        } catch (LastErrorException e) {
            throw fail("unshare", e);
        }
    }

    @Override
    public void flock(int fd, int operation) {
        try {
            C.flock(fd, operation);
        } catch (LastErrorException e) {
            throw fail("flock", e);
        }
    }
}
