package dev.berth.proxy.sync;

import dev.berth.proxy.rules.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code net.ipv4.conf.all.route_localnet=1}, which NodePorts on 127.0.0.0/8 need: without it the kernel drops a
 * packet DNATed from a loopback source to a pod as a martian. kube-proxy sets it at start whenever localhost
 * NodePorts are on, and fails to start if it cannot.
 */
public final class RouteLocalnet {
    private static final Logger LOG = LoggerFactory.getLogger(RouteLocalnet.class);
    private static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/conf/all/route_localnet");

    private RouteLocalnet() {
    }

    /** Sets the sysctl in this process's network namespace if {@code config} serves NodePorts on localhost. */
    public static void ensure(NodeConfig config) throws IOException {
        if (!config.effectiveLocalhostNodePorts()) {
            return;
        }
        if (Files.readString(SYSCTL).strip().equals("1")) {
            return;
        }
        LOG.info("setting route_localnet=1 to allow node ports on localhost; turn off localhost node ports to avoid it");
        try {
            Files.writeString(SYSCTL, "1");
        } catch (IOException e) {
            throw new IOException("cannot set " + SYSCTL + " to 1 for localhost node ports: " + e.getMessage(), e);
        }
    }
}
