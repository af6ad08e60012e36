package dev.berth.bench.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the harness reads from a namespace's {@code iptables-save}: rule and chain counts, and which DNAT targets
 * each service IP and port leads to through KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-*. It parses the kernel's
 * text itself, independent of either proxy's code, so it judges both the same way.
 */
final class KernelRules {
    private static final Pattern SERVICE_JUMP = Pattern.compile(
            "^-A KUBE-SERVICES -d (\\S+?)(?:/32)? .*--dport (\\d+) .*-j (KUBE-SVC-\\S+)");
    private static final Pattern JUMP = Pattern.compile(" -j (\\S+)");
    private static final Pattern DNAT = Pattern.compile("--to-destination (\\S+)");
    private static final Set<String> BUILTIN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");

    /** Rules ({@code -A} lines) and chains ({@code :} lines, built-in ones included) of one table. */
    record Counts(int rules, int chains, int bytes) {}

    private KernelRules() {}

    static Counts counts(String save) {
        int rules = 0, chains = 0;
        for (String line : save.split("\n")) {
            if (line.startsWith("-A ")) {
                rules++;
            } else if (line.startsWith(":")) {
                chains++;
            }
        }
        return new Counts(rules, chains, save.length());
    }

    /** Distinct KUBE-SVC-* chains KUBE-SERVICES jumps to (one per service port with a cluster IP). */
    static int serviceChainsReachable(String kubeServicesListing) {
        Set<String> targets = new java.util.HashSet<>();
        for (String line : kubeServicesListing.split("\n")) {
            if (line.startsWith("-A KUBE-SERVICES ")) {
                Matcher m = JUMP.matcher(line);
                if (m.find() && m.group(1).startsWith("KUBE-SVC-")) {
                    targets.add(m.group(1));
                }
            }
        }
        return targets.size();
    }

    /** {@code clusterIP:port} → DNAT targets ({@code ip:port}) reachable through the service's KUBE-SVC chain. */
    static Map<String, Set<String>> dnatTargets(String natSave) {
        Map<String, List<String>> chains = chains(natSave);
        Map<String, Set<String>> out = new TreeMap<>();
        for (String line : chains.getOrDefault("KUBE-SERVICES", List.of())) {
            Matcher m = SERVICE_JUMP.matcher(line);
            if (!m.find()) {
                continue;
            }
            Set<String> targets = new TreeSet<>();
            for (String svcRule : chains.getOrDefault(m.group(3), List.of())) {
                Matcher j = JUMP.matcher(svcRule);
                if (j.find() && j.group(1).startsWith("KUBE-SEP-")) {
                    for (String sepRule : chains.getOrDefault(j.group(1), List.of())) {
                        Matcher d = DNAT.matcher(sepRule);
                        if (d.find()) {
                            targets.add(d.group(1));
                        }
                    }
                }
            }
            out.put(m.group(1) + ":" + m.group(2), targets);
        }
        return out;
    }

    /** Rules by chain, in order. */
    static Map<String, List<String>> chains(String save) {
        Map<String, List<String>> chains = new HashMap<>();
        for (String line : save.split("\n")) {
            if (line.startsWith("-A ")) {
                int end = line.indexOf(' ', 3);
                chains.computeIfAbsent(line.substring(3, end < 0 ? line.length() : end), k -> new ArrayList<>()).add(line);
            }
        }
        return chains;
    }

    /**
     * The proxy's own chains of a filter and a nat dump as one restore text for the PacketTracer: rules in
     * built-in chains are left out (the tracer adds the standard jumps itself), and two kernel spellings are put
     * back as the proxy writes them: MARK's {@code --or-mark}/{@code --xor-mark} (iptables-save prints both as
     * {@code --set-xmark value/mask}) and REJECT's default type (printed as
     * {@code --reject-with icmp-port-unreachable}).
     */
    static String forTracer(String filterSave, String natSave) {
        StringBuilder b = new StringBuilder();
        for (String save : List.of(filterSave, natSave)) {
            for (String line : save.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                if (line.startsWith("-A ")) {
                    int end = line.indexOf(' ', 3);
                    if (BUILTIN.contains(line.substring(3, end))) {
                        continue;
                    }
                    line = orMarkSpelling(line).replace(" --reject-with icmp-port-unreachable", "");
                }
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static final Pattern SET_XMARK = Pattern.compile("--set-xmark (0x[0-9a-f]+)/(0x[0-9a-f]+)");

    static String orMarkSpelling(String line) {
        Matcher m = SET_XMARK.matcher(line);
        if (!m.find()) {
            return line;
        }
        long value = Long.decode(m.group(1)), mask = Long.decode(m.group(2));
        String replacement;
        if (value == mask) {
            replacement = "--or-mark " + m.group(1);
        } else if (mask == 0) {
            replacement = "--xor-mark " + m.group(1);
        } else {
            throw new IllegalArgumentException("MARK with value and mask the tracer cannot model: " + line);
        }
        return line.substring(0, m.start()) + replacement + line.substring(m.end());
    }

    /** kube-proxy's endpoint chain name: {@code KUBE-SEP-} + base32(SHA-256(port name + protocol + ip:port))[:16]. */
    static String endpointChain(String servicePortName, String protocol, String endpoint) {
        return "KUBE-SEP-" + hash16(servicePortName + protocol + endpoint);
    }

    /** {@code KUBE-SVC-} + base32(SHA-256(port name + protocol))[:16]. */
    static String serviceChain(String servicePortName, String protocol) {
        return "KUBE-SVC-" + hash16(servicePortName + protocol);
    }

    private static String hash16(String input) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder(16);
        int buffer = 0, bits = 0, i = 0;
        while (out.length() < 16) {
            if (bits < 5) {
                buffer = buffer << 8 | (d[i++] & 0xff);
                bits += 8;
            }
            out.append(alphabet.charAt(buffer >> (bits - 5) & 31));
            bits -= 5;
        }
        return out.toString();
    }

    /** Differences between two proxies' DNAT maps, at most {@code limit} of them, for the report. */
    static List<String> differences(Map<String, Set<String>> a, Map<String, Set<String>> b, int limit) {
        List<String> out = new ArrayList<>();
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(a.get(k), b.get(k)) && out.size() < limit) {
                out.add(k + ": " + a.get(k) + " vs " + b.get(k));
            }
        }
        return out;
    }
}
