package dev.berth.proxy.rules;

import java.util.Set;

/** One endpoint of one service port, after de-duplication across slices. */
record EndpointInfo(String ip, int port, String hostPort, boolean local, boolean ready, boolean serving,
                    boolean terminating, Set<String> zoneHints, Set<String> nodeHints) {

    static String hostPort(String ip, int port) {
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
