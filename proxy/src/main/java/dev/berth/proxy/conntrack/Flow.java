package dev.berth.proxy.conntrack;

import java.util.HashMap;

/**
 * One conntrack entry as {@code conntrack -L} prints it: the original tuple, then the reply tuple. For a DNATed
 * flow the reply comes from the endpoint, so {@code replySrc} is the endpoint IP.
 *
 * @param protocol lower-case protocol name ({@code udp}, {@code tcp}, ...)
 */
public record Flow(String protocol, String origSrc, String origDst, int origSport, int origDport, String replySrc,
                   String replyDst) {

    /**
     * Reads one line of {@code conntrack -L} output, e.g. {@code udp 17 29 src=10.0.0.1 dst=10.96.0.10 sport=5000
     * dport=53 [UNREPLIED] src=10.244.0.5 dst=10.0.0.1 sport=53 dport=5000 mark=0 use=1}; null if it is not a flow.
     */
    public static Flow parse(String line) {
        var words = line.strip().split("\\s+");
        if (words.length < 3 || words[0].contains("=")) {
            return null;
        }
        var orig = new HashMap<String, String>();
        var reply = new HashMap<String, String>();
        for (var w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            var key = w.substring(0, eq);
            if (!key.equals("src") && !key.equals("dst") && !key.equals("sport") && !key.equals("dport")) {
                continue;
            }
            // The first src/dst/sport/dport belong to the original direction, the second to the reply.
            (orig.containsKey(key) ? reply : orig).putIfAbsent(key, w.substring(eq + 1));
        }
        if (!orig.containsKey("dst") || !reply.containsKey("src")) {
            return null;
        }
        return new Flow(words[0], orig.get("src"), orig.get("dst"), port(orig.get("sport")), port(orig.get("dport")),
                reply.get("src"), reply.get("dst"));
    }

    private static int port(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
