package dev.berth.linux;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * An open network namespace ({@code /var/run/netns/NAME}, {@code /proc/PID/ns/net} or any bind mount of
 * one) and the way to run code inside it.
 *
 * <p>A namespace belongs to an OS thread, not to a Java thread or the process, so {@link #call} starts a
 * fresh platform thread, {@code setns}es it into the namespace, runs the work and lets the thread end.
 * That thread is never reused and never belongs to a pool, so no other work can run in the wrong
 * namespace. The work must not start threads of its own (a thread inherits its creator's namespace),
 * nor use virtual threads or the common fork-join pool. Sockets opened inside stay in the namespace after
 * the thread ends, which is how {@code Rtnetlink.open(NetNs)} works.
 */
public final class NetNs implements AutoCloseable {
    private static final Path NAMED_DIR = Path.of("/var/run/netns");

    private final Path path;
    private final int fd;
    private boolean closed;

    private NetNs(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens a namespace file read-only; throws {@link SyscallException} (e.g. ENOENT) if it cannot. */
    public static NetNs open(Path path) {
        int fd = Syscalls.get().open(path.toString(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC, 0);
        return new NetNs(path, fd);
    }

    /** A namespace made by {@code ip netns add NAME}. */
    public static NetNs named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid namespace name: " + name);
        }
        return open(NAMED_DIR.resolve(name));
    }

    /** The namespace of a process. */
    public static NetNs ofProcess(long pid) {
        return open(Path.of("/proc", Long.toString(pid), "ns", "net"));
    }

    /** The file this namespace was opened from. */
    public Path path() {
        return path;
    }

    /** The open descriptor, e.g. for {@code IFLA_NET_NS_FD}; valid until {@link #close()}. */
    public int fd() {
        ensureOpen();
        return fd;
    }

    /**
     * Runs {@code work} on a dedicated platform thread inside this namespace and returns its result.
     * Exceptions thrown by the work are rethrown as they are.
     */
    public <T> T call(Callable<T> work) throws Exception {
        ensureOpen();
        var task = new FutureTask<T>(() -> {
            Syscalls.get().setns(fd, Syscalls.CLONE_NEWNET);
            return work.call();
        });
        var thread = Thread.ofPlatform().name("netns " + path.getFileName()).daemon(true).unstarted(task);
        thread.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** {@link #call} for work that throws only unchecked exceptions. */
    public <T> T apply(java.util.function.Supplier<T> work) {
        try {
            return call(work::get);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for work in " + path, e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code work} inside this namespace; unchecked exceptions propagate. */
    public void run(Runnable work) {
        apply(() -> {
            work.run();
            return null;
        });
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("namespace " + path + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Syscalls.get().close(fd);
        }
    }

    @Override
    public String toString() {
        return "NetNs[" + path + "]";
    }
}
