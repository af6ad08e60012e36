package dev.berth.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kernel parameters under {@code /proc/sys}. Network parameters are per namespace, and the kernel picks
 * the namespace of the thread that opens the file, so writes for a namespace run inside it.
 */
public final class Sysctl {
    private Sysctl() {}

    /** {@code net.ipv4.ip_forward} → {@code /proc/sys/net/ipv4/ip_forward}; slashes are kept as given. */
    public static Path path(String key) {
        // sysctl(8) accepts either separator; with '/' an interface name may itself contain dots.
        var relative = key.indexOf('/') >= 0 ? key : key.replace('.', '/');
        var resolved = Path.of("/proc/sys").resolve(relative).normalize();
        if (!resolved.startsWith("/proc/sys/")) {
            throw new IllegalArgumentException("not a sysctl key: " + key);
        }
        return resolved;
    }

    /** Writes {@code value} to {@code key} inside {@code ns}. */
    public static void write(NetNs ns, String key, String value) {
        ns.run(() -> writeHere(key, value));
    }

    /** Reads {@code key} inside {@code ns}, without the trailing newline. */
    public static String read(NetNs ns, String key) {
        return ns.apply(() -> readHere(key));
    }

    /** Writes in the calling thread's own namespace. */
    public static void writeHere(String key, String value) {
        try {
            Files.writeString(path(key), value);
        } catch (IOException e) {
            throw new UncheckedIOException("sysctl " + key + "=" + value, e);
        }
    }

    /** Reads in the calling thread's own namespace. */
    public static String readHere(String key) {
        try {
            return Files.readString(path(key)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("sysctl " + key, e);
        }
    }
}
