package dev.berth.proxy.trace;

import dev.berth.proxy.model.Protocol;
import dev.berth.proxy.net.Cidr;
import dev.berth.proxy.net.IpAddress;
import dev.berth.proxy.rules.JumpRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Follows the first packet of a connection through parsed nat and filter rules, the way the kernel would:
 * nat PREROUTING (or OUTPUT for a packet from this host), then filter OUTPUT / INPUT / FORWARD, then nat
 * POSTROUTING. Random choices ({@code -m statistic}) and affinity checks ({@code -m recent --rcheck}) are taken
 * both ways, so the result lists every possible outcome.
 */
public final class PacketTracer {
    private static final Cidr LOOPBACK4 = Cidr.parse("127.0.0.0/8");

    private final IptablesDump dump;
    private final Set<String> localIPs = new HashSet<>();

    /**
     * @param rules   generated restore text (the proxy's chains); the built-in chains' jumps from
     *                {@link JumpRules} are added as the sync loop would install them
     * @param nodeIPs addresses of this host, besides loopback
     */
    public PacketTracer(String rules, List<String> nodeIPs) {
        this.dump = IptablesDump.parse(rules);
        var problems = dump.inconsistencies();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("inconsistent rules:\n" + String.join("\n", problems));
        }
        // Jumps go in only where their target chain exists, so hand-written partial rule sets trace too.
        for (var jump : java.util.stream.Stream.concat(JumpRules.PROXY.stream(), JumpRules.KUBELET.stream()).toList()) {
            if (dump.hasChain(jump.table().iptablesName(), jump.targetChain())) {
                dump.append(jump.table().iptablesName(), jump.restoreLine());
            }
        }
        for (var ip : nodeIPs) {
            localIPs.add(IpAddress.canonical(ip));
        }
    }

    /** A new connection's first packet. */
    public record Packet(String source, String destination, Protocol protocol, int port) {
        public static Packet tcp(String source, String destination, int port) {
            return new Packet(source, destination, Protocol.TCP, port);
        }
    }

    /**
     * Every possible fate of the packet.
     *
     * @param outputs     DNAT destinations ({@code ip:port}), or {@code DROP} / {@code REJECT}, or {@code ACCEPT}
     *                    for a packet a filter rule accepted without DNAT; empty when no rule applied
     * @param masquerade  whether some outcome is masqueraded on the way out
     * @param matched     the rules that matched, in order, for failure messages
     */
    public record Trace(Set<String> outputs, boolean masquerade, List<String> matched) {
        /** The outputs joined by ", ", as upstream's flow tests spell them. */
        public String output() {
            return String.join(", ", outputs);
        }
    }

    public Trace trace(Packet packet) {
        var start = new Flow(packet);
        var srcLocal = isLocal(packet.source());
        var outputs = new TreeSet<String>();
        var matched = new ArrayList<String>();
        boolean masq = false;
        for (var afterNat : finish(run("nat", srcLocal ? "OUTPUT" : "PREROUTING", start))) {
            if (afterNat.status == Status.FINAL && !afterNat.verdict.equals("DNAT")) {
                throw new IllegalStateException("unexpected nat verdict " + afterNat.verdict);
            }
            afterNat.status = Status.RUNNING;
            var hooks = new ArrayList<String>();
            if (srcLocal) {
                hooks.add("OUTPUT");
            }
            if (isLocal(afterNat.dst)) {
                hooks.add("INPUT");
            } else if (!srcLocal) {
                hooks.add("FORWARD");
            }
            String verdict = null;
            var flow = afterNat;
            for (var hook : hooks) {
                var results = finish(run("filter", hook, flow));
                if (results.size() != 1) {
                    throw new IllegalStateException("filter rules branched on " + packet);
                }
                flow = results.getFirst();
                if (flow.status == Status.FINAL) {
                    verdict = flow.verdict;
                    flow.status = Status.RUNNING;
                    if (!verdict.equals("ACCEPT")) {
                        break;
                    }
                }
            }
            matched.addAll(flow.matched);
            if ("DROP".equals(verdict) || "REJECT".equals(verdict)) {
                outputs.add(verdict);
                continue;
            }
            if (flow.dnat) {
                outputs.add(flow.dst.indexOf(':') >= 0 ? "[" + flow.dst + "]:" + flow.port : flow.dst + ":" + flow.port);
            } else if ("ACCEPT".equals(verdict)) {
                outputs.add("ACCEPT");
            }
            for (var out : finish(run("nat", "POSTROUTING", flow))) {
                masq |= out.status == Status.FINAL && out.verdict.equals("MASQUERADE");
                matched.addAll(out.matched.subList(flow.matched.size(), out.matched.size()));
            }
        }
        return new Trace(outputs, masq, matched);
    }

    private enum Status { RUNNING, RETURNED, FINAL }

    /** One branch of the packet's journey. */
    private static final class Flow {
        String src;
        String dst;
        Protocol protocol;
        int port;
        long mark;
        boolean dnat;
        Status status = Status.RUNNING;
        String verdict;
        List<String> matched = new ArrayList<>();

        Flow(Packet p) {
            src = IpAddress.canonical(p.source());
            dst = IpAddress.canonical(p.destination());
            protocol = p.protocol();
            port = p.port();
        }

        private Flow() {
        }

        Flow copy() {
            var f = new Flow();
            f.src = src;
            f.dst = dst;
            f.protocol = protocol;
            f.port = port;
            f.mark = mark;
            f.dnat = dnat;
            f.status = status;
            f.verdict = verdict;
            f.matched = new ArrayList<>(matched);
            return f;
        }
    }

    private enum Match { NO, YES, MAYBE }

    private List<Flow> finish(List<Flow> flows) {
        for (var f : flows) {
            if (f.status == Status.RETURNED) {
                f.status = Status.RUNNING;
            }
        }
        return flows;
    }

    /** Runs {@code flow} through a chain; returned flows are FINAL, or RUNNING/RETURNED for the caller to go on. */
    private List<Flow> run(String table, String chain, Flow flow) {
        var done = new ArrayList<Flow>();
        List<Flow> active = new ArrayList<>(List.of(flow));
        for (var rule : dump.chain(table, chain)) {
            var next = new ArrayList<Flow>();
            for (var f : active) {
                var m = matches(rule, f);
                if (m == Match.NO) {
                    next.add(f);
                    continue;
                }
                if (m == Match.MAYBE) {
                    next.add(f.copy());
                }
                var taken = f.copy();
                taken.matched.add(table + ": " + rule.raw());
                for (var r : apply(table, rule, taken)) {
                    (r.status == Status.RUNNING ? next : done).add(r);
                }
            }
            active = next;
        }
        done.addAll(active);
        return done;
    }

    private List<Flow> apply(String table, IptablesRule rule, Flow f) {
        var target = rule.target();
        if (target == null) {
            return List.of(f);
        }
        switch (target) {
            case "RETURN" -> {
                f.status = Status.RETURNED;
                return List.of(f);
            }
            case "MARK" -> {
                if (rule.orMark() != null) {
                    f.mark |= rule.orMark();
                }
                if (rule.xorMark() != null) {
                    f.mark ^= rule.xorMark();
                }
                return List.of(f);
            }
            case "DNAT" -> {
                var to = rule.toDestination();
                int colon = to.lastIndexOf(':');
                var host = to.substring(0, colon);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                f.dst = IpAddress.canonical(host);
                f.port = Integer.parseInt(to.substring(colon + 1));
                f.dnat = true;
                return fin(f, "DNAT");
            }
            case "ACCEPT", "DROP", "REJECT", "MASQUERADE" -> {
                return fin(f, target);
            }
            default -> {
                var out = new ArrayList<Flow>();
                for (var r : run(table, target, f)) {
                    if (r.status == Status.RETURNED) {
                        r.status = Status.RUNNING;
                    }
                    if (rule.isGoto() && r.status == Status.RUNNING) {
                        // A goto's fall-through returns from the calling chain too.
                        r.status = Status.RETURNED;
                    }
                    out.add(r);
                }
                return out;
            }
        }
    }

    private static List<Flow> fin(Flow f, String verdict) {
        f.status = Status.FINAL;
        f.verdict = verdict;
        return List.of(f);
    }

    private Match matches(IptablesRule rule, Flow f) {
        if (rule.source() != null && !rule.source().matches(f.src)) {
            return Match.NO;
        }
        if (rule.destination() != null && !rule.destination().matches(f.dst)) {
            return Match.NO;
        }
        if (rule.protocol() != null && !rule.protocol().equals(f.protocol.lower())) {
            return Match.NO;
        }
        if (rule.destinationPort() != null && rule.destinationPort() != f.port) {
            return Match.NO;
        }
        if (rule.destinationLocal() != null && isLocal(f.dst) == rule.destinationLocal().negated()) {
            return Match.NO;
        }
        if (rule.sourceLocal() != null && isLocal(f.src) == rule.sourceLocal().negated()) {
            return Match.NO;
        }
        if (rule.mark() != null) {
            var vm = rule.mark().value();
            if (((f.mark & vm[1]) == vm[0]) == rule.mark().negated()) {
                return Match.NO;
            }
        }
        if (rule.ctstate() != null) {
            // Every traced packet opens a new connection; a DNATed one also has the DNAT state.
            boolean any = rule.ctstate().value().contains("NEW") || (f.dnat && rule.ctstate().value().contains("DNAT"));
            if (any == rule.ctstate().negated()) {
                return Match.NO;
            }
        }
        return rule.random() || rule.recentCheck() ? Match.MAYBE : Match.YES;
    }

    private boolean isLocal(String ip) {
        var canonical = IpAddress.canonical(ip);
        return localIPs.contains(canonical) || LOOPBACK4.contains(canonical) || "::1".equals(canonical);
    }
}
