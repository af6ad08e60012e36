package dev.berth.linux;

import java.nio.file.Path;

/**
 * An advisory {@code flock(2)} lock on a file, the kind the reference CNI plugins take (Java's
 * {@code FileChannel.lock} uses fcntl locks, which do not exclude flock holders). Closing releases it.
 */
public final class FileLock implements AutoCloseable {
    private final Path path;
    private final int fd;
    private boolean released;

    private FileLock(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens (creating, mode 0644) {@code path} and blocks until the exclusive lock is held. */
    public static FileLock exclusive(Path path) {
        return lock(path, Syscalls.LOCK_EX);
    }

    /** Opens (creating, mode 0644) {@code path} and blocks until a shared lock is held. */
    public static FileLock shared(Path path) {
        return lock(path, Syscalls.LOCK_SH);
    }

    /** The exclusive lock if it is free now, else {@code null}. */
    public static FileLock tryExclusive(Path path) {
        try {
            return lock(path, Syscalls.LOCK_EX | Syscalls.LOCK_NB);
        } catch (SyscallException e) {
            if (e.errno() == Errno.EAGAIN) {
                return null;
            }
            throw e;
        }
    }

    private static FileLock lock(Path path, int operation) {
        var calls = Syscalls.get();
        int fd = calls.open(path.toString(), Syscalls.O_RDONLY | Syscalls.O_CREAT | Syscalls.O_CLOEXEC, 0644);
        try {
            calls.flock(fd, operation);
        } catch (RuntimeException e) {
            calls.close(fd);
            throw e;
        }
        return new FileLock(path, fd);
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() {
        if (!released) {
            released = true;
            // Closing the only descriptor drops the flock; no explicit LOCK_UN needed.
            Syscalls.get().close(fd);
        }
    }
}
