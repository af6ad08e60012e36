package dev.berth.proxy.trace;

import dev.berth.proxy.net.Cidr;
import dev.berth.proxy.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One parsed {@code -A} line: the matches and target this project's rules use. Anything else is rejected, so a
 * rule the tracer cannot interpret fails the test instead of being silently ignored.
 */
public record IptablesRule(
        String raw,
        String chain,
        Address source,
        Address destination,
        String protocol,
        Integer destinationPort,
        Negatable<Boolean> destinationLocal,
        Negatable<Boolean> sourceLocal,
        boolean random,
        boolean recentCheck,
        Negatable<long[]> mark,
        Negatable<Set<String>> ctstate,
        String target,
        boolean isGoto,
        String toDestination,
        Long orMark,
        Long xorMark) {

    /** An address match, IP or CIDR, possibly negated. */
    public record Address(Cidr cidr, boolean negated) {
        boolean matches(String ip) {
            return cidr.contains(ip) != negated;
        }
    }

    /** A match value with its {@code !}. */
    public record Negatable<T>(T value, boolean negated) {
    }

    static IptablesRule parse(String line) {
        var tokens = tokenize(line);
        if (tokens.size() < 2 || !tokens.get(0).equals("-A")) {
            throw new IllegalArgumentException("not an -A rule: " + line);
        }
        var chain = tokens.get(1);
        Address src = null, dst = null;
        String protocol = null, target = null, toDestination = null;
        Integer dport = null;
        Negatable<Boolean> dstLocal = null, srcLocal = null;
        Negatable<long[]> mark = null;
        Negatable<Set<String>> ctstate = null;
        boolean random = false, recentCheck = false, isGoto = false;
        Long orMark = null, xorMark = null;
        boolean negate = false;
        for (int i = 2; i < tokens.size(); i++) {
            var t = tokens.get(i);
            if (t.equals("!")) {
                negate = true;
                continue;
            }
            switch (t) {
                case "-s", "--source" -> src = new Address(cidr(tokens.get(++i), line), negate);
                case "-d", "--destination" -> dst = new Address(cidr(tokens.get(++i), line), negate);
                case "-p", "--protocol" -> protocol = tokens.get(++i);
                case "-m", "--match" -> {
                    var module = tokens.get(++i);
                    if (!Set.of("comment", "tcp", "udp", "sctp", "addrtype", "statistic", "recent", "mark",
                            "conntrack", "nfacct").contains(module)) {
                        throw new IllegalArgumentException("unsupported match module " + module + " in: " + line);
                    }
                }
                case "--comment", "--name", "--seconds", "--nfacct-name", "--mode" -> i++;
                case "--set", "--reap", "--random-fully" -> {
                }
                case "--rcheck" -> recentCheck = true;
                case "--probability" -> random = Double.parseDouble(tokens.get(++i)) < 1.0;
                case "--dport" -> dport = Integer.parseInt(tokens.get(++i));
                case "--dst-type" -> dstLocal = new Negatable<>(local(tokens.get(++i), line), negate);
                case "--src-type" -> srcLocal = new Negatable<>(local(tokens.get(++i), line), negate);
                case "--mark" -> {
                    var parts = tokens.get(++i).split("/");
                    long value = Long.decode(parts[0]);
                    long mask = parts.length > 1 ? Long.decode(parts[1]) : 0xffffffffL;
                    mark = new Negatable<>(new long[] {value, mask}, negate);
                }
                case "--ctstate" -> ctstate = new Negatable<>(Set.of(tokens.get(++i).split(",")), negate);
                case "-j" -> target = tokens.get(++i);
                case "-g" -> {
                    target = tokens.get(++i);
                    isGoto = true;
                }
                case "--to-destination" -> toDestination = tokens.get(++i);
                case "--or-mark" -> orMark = Long.decode(tokens.get(++i));
                case "--xor-mark" -> xorMark = Long.decode(tokens.get(++i));
                default -> throw new IllegalArgumentException("unsupported option " + t + " in: " + line);
            }
            negate = false;
        }
        return new IptablesRule(line, chain, src, dst, protocol, dport, dstLocal, srcLocal, random, recentCheck,
                mark, ctstate, target, isGoto, toDestination, orMark, xorMark);
    }

    private static Cidr cidr(String text, String line) {
        if (text.indexOf('/') < 0) {
            var ip = IpAddress.parse(text);
            if (ip == null) {
                throw new IllegalArgumentException("bad address " + text + " in: " + line);
            }
            text = text + "/" + (ip.length * 8);
        }
        var cidr = Cidr.parse(text);
        if (cidr == null) {
            throw new IllegalArgumentException("bad CIDR " + text + " in: " + line);
        }
        return cidr;
    }

    private static boolean local(String type, String line) {
        if (!type.equals("LOCAL")) {
            throw new IllegalArgumentException("unsupported address type " + type + " in: " + line);
        }
        return true;
    }

    /** Splits on spaces, keeping double-quoted text as one token without its quotes. */
    static List<String> tokenize(String line) {
        var out = new ArrayList<String>();
        var cur = new StringBuilder();
        boolean quoted = false, inToken = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inToken = true;
            } else if (c == ' ' && !quoted) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quote in: " + line);
        }
        if (inToken) {
            out.add(cur.toString());
        }
        return out;
    }
}
