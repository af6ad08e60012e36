package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ProxyServer.Served} opened in the background, as {@link ProxyServer#start} opens healthz and metrics. */
class ServedTest {
    @Test
    void anOpenedServerIsThereAfterAwaitAndClosedWithIt() throws Exception {
        var closed = new AtomicInteger();
        AutoCloseable listener = closed::incrementAndGet;
        var served = ProxyServer.Served.await(ProxyServer.Served.openInBackground("test", () -> listener));
        assertSame(listener, served.current());
        served.close();
        assertEquals(1, closed.get());
        assertNull(served.current());
    }

    @Test
    void anAddressThatCannotBeBoundYetLeavesNoServerAndStopsRetryingOnClose() throws Exception {
        var attempts = new AtomicInteger();
        var served = ProxyServer.Served.await(ProxyServer.Served.openInBackground("test", () -> {
            attempts.incrementAndGet();
            throw new IOException("address in use");
        }));
        assertNull(served.current());
        assertEquals(1, attempts.get());
        served.close();
    }

    @Test
    void noAddressMeansNoServer() {
        assertNull(ProxyServer.Served.await(null));
    }

    @Test
    void anUnexpectedFailureReachesTheCaller() {
        var opening = ProxyServer.Served.openInBackground("test", () -> {
            throw new IllegalStateException("broken opener");
        });
        var e = assertThrows(IllegalStateException.class, () -> ProxyServer.Served.await(opening));
        assertTrue(e.getMessage().contains("broken opener"));
    }
}
