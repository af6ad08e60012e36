package dev.berth.linux;

import java.util.Map;

/**
 * Linux errno numbers and their symbolic names (asm-generic numbering, shared by x86-64 and arm64),
 * so errors can say {@code EEXIST} instead of {@code 17}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int EPROTO = 71;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;

    private record Entry(String name, String text) {}

    private static final Map<Integer, Entry> TABLE = Map.ofEntries(
            Map.entry(1, new Entry("EPERM", "Operation not permitted")),
            Map.entry(2, new Entry("ENOENT", "No such file or directory")),
            Map.entry(3, new Entry("ESRCH", "No such process")),
            Map.entry(4, new Entry("EINTR", "Interrupted system call")),
            Map.entry(5, new Entry("EIO", "Input/output error")),
            Map.entry(6, new Entry("ENXIO", "No such device or address")),
            Map.entry(7, new Entry("E2BIG", "Argument list too long")),
            Map.entry(9, new Entry("EBADF", "Bad file descriptor")),
            Map.entry(11, new Entry("EAGAIN", "Resource temporarily unavailable")),
            Map.entry(12, new Entry("ENOMEM", "Cannot allocate memory")),
            Map.entry(13, new Entry("EACCES", "Permission denied")),
            Map.entry(14, new Entry("EFAULT", "Bad address")),
            Map.entry(16, new Entry("EBUSY", "Device or resource busy")),
            Map.entry(17, new Entry("EEXIST", "File exists")),
            Map.entry(18, new Entry("EXDEV", "Invalid cross-device link")),
            Map.entry(19, new Entry("ENODEV", "No such device")),
            Map.entry(20, new Entry("ENOTDIR", "Not a directory")),
            Map.entry(21, new Entry("EISDIR", "Is a directory")),
            Map.entry(22, new Entry("EINVAL", "Invalid argument")),
            Map.entry(23, new Entry("ENFILE", "Too many open files in system")),
            Map.entry(24, new Entry("EMFILE", "Too many open files")),
            Map.entry(28, new Entry("ENOSPC", "No space left on device")),
            Map.entry(30, new Entry("EROFS", "Read-only file system")),
            Map.entry(34, new Entry("ERANGE", "Numerical result out of range")),
            Map.entry(38, new Entry("ENOSYS", "Function not implemented")),
            Map.entry(39, new Entry("ENOTEMPTY", "Directory not empty")),
            Map.entry(61, new Entry("ENODATA", "No data available")),
            Map.entry(71, new Entry("EPROTO", "Protocol error")),
            Map.entry(75, new Entry("EOVERFLOW", "Value too large for defined data type")),
            Map.entry(88, new Entry("ENOTSOCK", "Socket operation on non-socket")),
            Map.entry(90, new Entry("EMSGSIZE", "Message too long")),
            Map.entry(93, new Entry("EPROTONOSUPPORT", "Protocol not supported")),
            Map.entry(95, new Entry("EOPNOTSUPP", "Operation not supported")),
            Map.entry(97, new Entry("EAFNOSUPPORT", "Address family not supported by protocol")),
            Map.entry(98, new Entry("EADDRINUSE", "Address already in use")),
            Map.entry(99, new Entry("EADDRNOTAVAIL", "Cannot assign requested address")),
            Map.entry(100, new Entry("ENETDOWN", "Network is down")),
            Map.entry(101, new Entry("ENETUNREACH", "Network is unreachable")),
            Map.entry(105, new Entry("ENOBUFS", "No buffer space available")),
            Map.entry(110, new Entry("ETIMEDOUT", "Connection timed out")),
            Map.entry(113, new Entry("EHOSTUNREACH", "No route to host")),
            Map.entry(114, new Entry("EALREADY", "Operation already in progress")),
            Map.entry(115, new Entry("EINPROGRESS", "Operation now in progress")),
            Map.entry(122, new Entry("EDQUOT", "Disk quota exceeded")),
            Map.entry(524, new Entry("ENOTSUPP", "Operation is not supported")));

    private Errno() {}

    /** The symbolic name, e.g. {@code EEXIST}, or {@code errno N} for numbers not in the table. */
    public static String name(int errno) {
        var entry = TABLE.get(errno);
        return entry != null ? entry.name() : "errno " + errno;
    }

    /** The strerror(3) text, or the empty string for numbers not in the table. */
    public static String text(int errno) {
        var entry = TABLE.get(errno);
        return entry != null ? entry.text() : "";
    }
}
