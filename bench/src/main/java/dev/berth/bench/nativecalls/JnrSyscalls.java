package dev.berth.bench.nativecalls;

import dev.berth.linux.SyscallException;
import dev.berth.linux.Syscalls;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** {@link Syscalls} through jnr-ffi, for the comparison only. */
final class JnrSyscalls implements Syscalls {
    /** libc as jnr-ffi binds it; errno saved after every call. */
    public interface LibC {
        @SaveError int socket(int domain, int type, int protocol);

        @SaveError int bind(int fd, @In byte[] addr, int len);

        @SaveError int setsockopt(int fd, int level, int option, @In int[] value, int len);

        @SaveError @ssize_t long send(int fd, @In byte[] buf, @size_t long len, int flags);

        @SaveError @ssize_t long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

        @SaveError int open(String path, int flags, int mode);

        @SaveError int close(int fd);

        @SaveError int setns(int fd, int nstype);

        @SaveError int unshare(int flags);

        @SaveError int flock(int fd, int operation);
    }

    static final JnrSyscalls INSTANCE = new JnrSyscalls();

    private final LibC c = LibraryLoader.create(LibC.class).load("c");
    private final Runtime runtime = Runtime.getRuntime(c);

    private int check(String call, long result) {
        if (result < 0) {
            throw new SyscallException(call, runtime.getLastError());
        }
        return (int) result;
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        return check("socket", c.socket(domain, type, protocol));
    }

    @Override
    public void bindNetlink(int fd, int portId, int groups) {
        check("bind", c.bind(fd, SockaddrNl.bytes(portId, groups), SockaddrNl.SIZE));
    }

    @Override
    public void setsockoptInt(int fd, int level, int option, int value) {
        check("setsockopt", c.setsockopt(fd, level, option, new int[] {value}, 4));
    }

    @Override
    public void send(int fd, byte[] data, int length) {
        check("send", c.send(fd, data, length, 0));
    }

    @Override
    public int receive(int fd, byte[] buffer) {
        return check("recv", c.recv(fd, buffer, buffer.length, 0));
    }

    @Override
    public int open(String path, int flags, int mode) {
        return check("open " + path, c.open(path, flags, mode));
    }

    @Override
    public void close(int fd) {
        check("close", c.close(fd));
    }

    @Override
    public void setns(int fd, int nstype) {
        check("setns", c.setns(fd, nstype));
    }

    @Override
    public void unshare(int flags) {
        check("unshare", c.unshare(flags));
    }

    @Override
    public void flock(int fd, int operation) {
        check("flock", c.flock(fd, operation));
    }
}
