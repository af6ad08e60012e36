package dev.berth.proxy.e2e;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** One HTTP request sent from inside a namespace, and what came of it. */
sealed interface HttpProbe {
    /** The connect timeout: long enough for a loaded machine, and the line between "refused" and "dropped". */
    int CONNECT_TIMEOUT_MS = 3000;

    /** A pod answered: its name and the source address it saw. */
    record Answer(String pod, String source) implements HttpProbe {}

    /** The connection was refused (an ICMP port-unreachable or a RST came back). */
    record Refused(String message) implements HttpProbe {}

    /** Nothing came back in time. */
    record TimedOut(String message) implements HttpProbe {}

    /** Any other failure (no route, reset after connect, garbled answer). */
    record Failed(String message) implements HttpProbe {}

    /** Sends {@code GET /} from {@code client} to {@code ip:port}. */
    static HttpProbe get(NetworkNamespace client, String ip, int port) throws Exception {
        return client.call(() -> {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress(ip, port), CONNECT_TIMEOUT_MS);
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + ip + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                var response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int body = response.indexOf("\r\n\r\n");
                var words = body < 0 ? new String[0] : response.substring(body + 4).strip().split(" ");
                return words.length == 2 ? new Answer(words[0], words[1])
                        : new Failed("unexpected response: " + response);
            } catch (ConnectException e) {
                return e.getMessage() != null && e.getMessage().contains("refused") ? new Refused(e.getMessage())
                        : new Failed(e.toString());
            } catch (SocketTimeoutException e) {
                return new TimedOut(e.toString());
            } catch (IOException e) {
                return new Failed(e.toString());
            }
        });
    }
}
