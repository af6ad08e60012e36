package dev.berth.cni.it;

import dev.berth.linux.TestNamespaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fixture of a plugin IT: a "node" namespace the plugins run in, the "pod" namespaces attached to it,
 * and a temporary IPAM data directory. {@link #close()} removes all of it, whatever the test left.
 */
public final class Node implements AutoCloseable {
    private final TestNamespaces namespaces = new TestNamespaces();
    private final String name;
    private final Path dataDir;

    public Node() {
        try {
            name = namespaces.create("node");
            dataDir = Files.createTempDirectory("berth-it-ipam");
        } catch (IOException e) {
            namespaces.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            namespaces.close();
            throw e;
        }
    }

    /** The node namespace's name. */
    public String name() {
        return name;
    }

    public TestNamespaces namespaces() {
        return namespaces;
    }

    /** The IPAM data directory (host-local's {@code dataDir}). */
    public Path dataDir() {
        return dataDir;
    }

    /** Another namespace of this test: a pod, or a second node for the reference plugin. */
    public String namespace(String suffix) {
        return namespaces.create(suffix);
    }

    /** The addresses host-local holds for {@code network}: its files other than the lock and the last-reserved marks. */
    public List<String> ipFiles(String network) {
        var dir = dataDir.resolve(network);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(file -> !file.equals("lock") && !file.startsWith("last_reserved_ip")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            namespaces.close();
        } finally {
            try (var files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
