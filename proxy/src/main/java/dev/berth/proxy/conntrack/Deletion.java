package dev.berth.proxy.conntrack;

import java.util.List;

/** What to delete: kube-proxy's two conntrack filters, both for UDP. */
public sealed interface Deletion {
    /** Flows to a Service address ({@code --orig-dst}) answered by a non-endpoint ({@code --reply-src}). */
    record ServiceIp(String origDst, String replySrc) implements Deletion {}

    /** Flows to a NodePort ({@code --orig-port-dst}) answered by a non-endpoint ({@code --reply-src}). */
    record NodePort(int port, String replySrc) implements Deletion {}

    /** The {@code conntrack} arguments selecting these flows (after {@code -D -p udp -f FAMILY}). */
    default List<String> filterArgs() {
        return switch (this) {
            case ServiceIp(String dst, String src) -> List.of("--orig-dst", dst, "--reply-src", src);
            case NodePort(int port, String src) -> List.of("--orig-port-dst", Integer.toString(port), "--reply-src", src);
        };
    }
}
