package dev.berth.linux;

/**
 * The Linux system calls Berth makes, in Java types only. This is the single seam between Berth and a
 * native-call technology: {@link FfmSyscalls} implements it with the JDK's FFM API; another
 * implementation (JNA, jnr-ffi) can be swapped in behind {@link #get()} without touching callers.
 * Every method throws {@link SyscallException} carrying the errno name when the call fails.
 */
public interface Syscalls {
    int AF_UNSPEC = 0;
    int AF_INET = 2;
    int AF_BRIDGE = 7;
    int AF_INET6 = 10;
    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;
    int SOL_NETLINK = 270;
    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_CREAT = 0x40;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;
    int LOCK_SH = 1;
    int LOCK_EX = 2;
    int LOCK_NB = 4;
    int LOCK_UN = 8;

    /** The process-wide implementation. */
    static Syscalls get() {
        return FfmSyscalls.INSTANCE;
    }

    /** socket(2); returns the file descriptor. */
    int socket(int domain, int type, int protocol);

    /** bind(2) of a netlink socket to a port id (0 lets the kernel choose) and multicast groups. */
    void bindNetlink(int fd, int portId, int groups);

    /** setsockopt(2) with an int value. */
    void setsockoptInt(int fd, int level, int option, int value);

    /** send(2) of {@code length} bytes of {@code data}; retries on EINTR. */
    void send(int fd, byte[] data, int length);

    /** recv(2) into {@code buffer}; returns the byte count; retries on EINTR. */
    int receive(int fd, byte[] buffer);

    /** open(2); returns the file descriptor. */
    int open(String path, int flags, int mode);

    /** close(2). */
    void close(int fd);

    /** setns(2) of the calling thread. */
    void setns(int fd, int nstype);

    /** unshare(2) of the calling thread. */
    void unshare(int flags);

    /** flock(2); retries on EINTR. */
    void flock(int fd, int operation);
}
