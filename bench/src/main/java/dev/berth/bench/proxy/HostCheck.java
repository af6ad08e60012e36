package dev.berth.bench.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the harness must leave as it found it on the host: both iptables backends' rules (counters and
 * timestamps stripped), this harness's network namespaces, and the conntrack settings kube-proxy would
 * change if not told otherwise.
 */
final class HostCheck {
    private static final List<String> SYSCTLS = List.of("/proc/sys/net/netfilter/nf_conntrack_max",
            "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established",
            "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_close_wait",
            "/sys/module/nf_conntrack/parameters/hashsize", "/proc/sys/net/ipv4/conf/all/route_localnet");

    private HostCheck() {}

    static String fingerprint() throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder();
        for (String save : List.of("iptables-save", "iptables-legacy-save")) {
            b.append("## ").append(save).append('\n');
            for (String line : NodeNamespace.run(List.of(save)).split("\n")) {
                if (!line.startsWith("#")) {
                    b.append(line.replaceAll("\\[\\d+:\\d+]", "[0:0]")).append('\n');
                }
            }
        }
        b.append("## harness namespaces\n");
        for (String line : NodeNamespace.run(List.of("ip", "netns", "list")).split("\n")) {
            if (line.startsWith("berth-pbench-")) {
                b.append(line).append('\n');
            }
        }
        b.append("## sysctls\n");
        for (String s : SYSCTLS) {
            Path p = Path.of(s);
            b.append(s).append('=').append(Files.exists(p) ? Files.readString(p).strip() : "(absent)").append('\n');
        }
        return b.toString();
    }

    static String diff(String before, String after) {
        List<String> a = List.of(before.split("\n")), b = List.of(after.split("\n"));
        List<String> out = new ArrayList<>();
        a.stream().filter(l -> !b.contains(l)).forEach(l -> out.add("- " + l));
        b.stream().filter(l -> !a.contains(l)).forEach(l -> out.add("+ " + l));
        return String.join("\n", out);
    }
}
