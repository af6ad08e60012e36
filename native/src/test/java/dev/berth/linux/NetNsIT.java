package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespace entry, sysctl writes and flock against the real kernel. */
class NetNsIT {
    private static String inode(Path path) throws IOException {
        return Files.readSymbolicLink(path).toString();
    }

    @Test
    void workRunsOnADedicatedPlatformThreadInsideTheNamespace() throws Exception {
        try (var namespaces = new TestNamespaces(); var ns = NetNs.named(namespaces.create("a"))) {
            var caller = Thread.currentThread();
            var hostNs = inode(Path.of("/proc/thread-self/ns/net"));
            var seen = ns.call(() -> {
                assertNotEquals(caller, Thread.currentThread());
                assertTrue(!Thread.currentThread().isVirtual());
                return inode(Path.of("/proc/thread-self/ns/net"));
            });
            assertNotEquals(hostNs, seen);
            assertEquals(hostNs, inode(Path.of("/proc/thread-self/ns/net")), "the caller stays where it was");
            // The namespace file is a bind mount of the same nsfs inode the thread saw.
            assertEquals(seen.replaceAll("\\D", ""), Long.toString((Long) Files.getAttribute(ns.path(), "unix:ino")));
        }
    }

    @Test
    void exceptionsFromTheWorkPropagateUnchanged() throws Exception {
        try (var namespaces = new TestNamespaces(); var ns = NetNs.named(namespaces.create("a"))) {
            var thrown = new IOException("boom");
            assertSame(thrown, assertThrows(IOException.class, () -> ns.call(() -> {
                throw thrown;
            })));
        }
    }

    @Test
    void openingAMissingNamespaceNamesTheErrno() {
        var error = assertThrows(SyscallException.class, () -> NetNs.named("berth-it-does-not-exist"));
        assertEquals("ENOENT", error.errnoName());
        assertTrue(error.getMessage().contains("/var/run/netns/berth-it-does-not-exist"), error.getMessage());
    }

    @Test
    void sysctlWritesLandInTheNamespaceOnly() throws Exception {
        try (var namespaces = new TestNamespaces()) {
            var name = namespaces.create("a");
            var hostBefore = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
            try (var ns = NetNs.named(name)) {
                Sysctl.write(ns, "net.ipv4.ip_forward", "1");
                assertEquals("1", Sysctl.read(ns, "net.ipv4.ip_forward"));
                Sysctl.write(ns, "net/ipv6/conf/lo/disable_ipv6", "1");
            }
            assertEquals("1", TestNamespaces.run("ip", "netns", "exec", name, "sysctl", "-n", "net.ipv4.ip_forward").strip());
            assertEquals("1", TestNamespaces.run("ip", "netns", "exec", name, "sysctl", "-n",
                    "net.ipv6.conf.lo.disable_ipv6").strip());
            assertEquals(hostBefore, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip());
        }
    }

    @Test
    void flockExcludesOtherHoldersUntilClosed(@TempDir Path dir) {
        var lockFile = dir.resolve("lock");
        try (var held = FileLock.exclusive(lockFile)) {
            assertTrue(Files.exists(lockFile));
            assertNull(FileLock.tryExclusive(lockFile), "a second open file description must not get the lock");
            assertEquals(0, TestNamespaces.exec("flock", "-n", "-x", lockFile.toString(), "true").exit() == 0 ? 1 : 0,
                    "flock(1) sees our lock");
        }
        try (var again = FileLock.tryExclusive(lockFile)) {
            assertNotNull(again);
        }
    }
}
