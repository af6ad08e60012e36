package dev.berth.proxy.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the host's API server ({@code 127.0.0.1:PORT}) reachable at the same address inside a network namespace
 * through a Unix socket, so the namespace needs no link to the host and the kubeconfig's URL (and the server
 * certificate's name) stay the same: namespace TCP {@code 127.0.0.1:PORT} → Unix socket file → host TCP
 * {@code 127.0.0.1:PORT}. Bytes are copied as they are (TLS passes through).
 */
final class ApiForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiForwarder.class);

    private final Path dir;
    private final Path socketFile;
    private final ServerSocketChannel unixListener;
    private final ServerSocketChannel namespaceListener;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ApiForwarder(Path dir, Path socketFile, ServerSocketChannel unixListener,
                         ServerSocketChannel namespaceListener) {
        this.dir = dir;
        this.socketFile = socketFile;
        this.unixListener = unixListener;
        this.namespaceListener = namespaceListener;
    }

    /** Starts forwarding {@code 127.0.0.1:port} inside {@code ns} to {@code 127.0.0.1:port} on the host. */
    static ApiForwarder start(NetworkNamespace ns, int port) throws Exception {
        var dir = Files.createTempDirectory("berth-e2e-api-");
        var socketFile = dir.resolve("apiserver.sock");
        ServerSocketChannel unix = null;
        ServerSocketChannel inNamespace = null;
        try {
            unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            unix.bind(UnixDomainSocketAddress.of(socketFile));
            // Only the listening socket is made inside the namespace; connections it accepts stay there.
            inNamespace = ns.call(() -> {
                var listener = ServerSocketChannel.open();
                listener.bind(new InetSocketAddress("127.0.0.1", port));
                return listener;
            });
        } catch (Exception e) {
            closeQuietly(unix);
            closeQuietly(inNamespace);
            Files.deleteIfExists(socketFile);
            Files.deleteIfExists(dir);
            throw e;
        }
        var forwarder = new ApiForwarder(dir, socketFile, unix, inNamespace);
        // Platform threads started from this (host-namespace) thread: the host-side connect happens here.
        forwarder.acceptLoop(inNamespace, () -> SocketChannel.open(UnixDomainSocketAddress.of(socketFile)),
                "berth-e2e-api-ns");
        forwarder.acceptLoop(unix, () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)),
                "berth-e2e-api-host");
        return forwarder;
    }

    /** The Unix socket file between the two sides (deleted by {@link #close()}). */
    Path socketFile() {
        return socketFile;
    }

    private interface Upstream {
        SocketChannel connect() throws IOException;
    }

    private void acceptLoop(ServerSocketChannel listener, Upstream upstream, String name) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            while (!closed) {
                SocketChannel client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    if (!closed) {
                        LOG.warn("forwarder {} stopped accepting: {}", name, e.toString());
                    }
                    return;
                }
                open.add(client);
                try {
                    var server = upstream.connect();
                    open.add(server);
                    pump(client, server, name + "-up");
                    pump(server, client, name + "-down");
                } catch (IOException e) {
                    LOG.warn("forwarder {} cannot connect upstream: {}", name, e.toString());
                    closeQuietly(client);
                    open.remove(client);
                }
            }
        });
    }

    private void pump(SocketChannel from, SocketChannel to, String name) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            var buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // The other direction closed both ends, or the forwarder is closing.
            } finally {
                for (var c : List.of(from, to)) {
                    closeQuietly(c);
                    open.remove(c);
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        closeQuietly(namespaceListener);
        closeQuietly(unixListener);
        open.forEach(ApiForwarder::closeQuietly);
        Files.deleteIfExists(socketFile);
        Files.deleteIfExists(dir);
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing is best effort; the test's own cleanup checks what matters.
            }
        }
    }
}
