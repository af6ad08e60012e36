package dev.berth.proxy;

import dev.berth.proxy.net.IpAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * berth-proxy's command line, spelled as kube-proxy's: {@code --flag value} or {@code --flag=value}, booleans
 * as {@code --flag} or {@code --flag=true|false}, durations in Go's syntax ({@code 1s}, {@code 500ms},
 * {@code 1m30s}).
 */
public record Flags(String kubeconfig, String hostnameOverride, String clusterCIDR, boolean masqueradeAll,
                    Duration minSyncPeriod, Duration syncPeriod, String healthzBindAddress,
                    String metricsBindAddress, boolean cleanup) {
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    /** Parses the arguments; an unknown flag or a bad value is an {@link IllegalArgumentException} naming it. */
    public static Flags parse(List<String> args) {
        String kubeconfig = null;
        String hostname = null;
        String clusterCIDR = null;
        boolean masqueradeAll = false;
        Duration minSync = Duration.ofSeconds(1);
        Duration sync = Duration.ofSeconds(30);
        String healthz = "0.0.0.0:10256";
        String metrics = "127.0.0.1:10249";
        boolean cleanup = false;
        for (int i = 0; i < args.size(); i++) {
            var arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            var eq = arg.indexOf('=');
            var name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            var inline = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "masquerade-all" -> masqueradeAll = bool(name, inline);
                case "cleanup" -> cleanup = bool(name, inline);
                case "kubeconfig", "hostname-override", "cluster-cidr", "min-sync-period", "sync-period",
                     "healthz-bind-address", "metrics-bind-address" -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException("flag --" + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "kubeconfig" -> kubeconfig = value;
                        case "hostname-override" -> hostname = value;
                        case "cluster-cidr" -> clusterCIDR = value.isEmpty() ? null : value;
                        case "min-sync-period" -> minSync = duration(name, value);
                        case "sync-period" -> sync = duration(name, value);
                        case "healthz-bind-address" -> healthz = value;
                        case "metrics-bind-address" -> metrics = value;
                        default -> throw new AssertionError(name);
                    }
                }
                default -> throw new IllegalArgumentException("unknown flag --" + name);
            }
        }
        if (sync.isZero() || sync.isNegative()) {
            throw new IllegalArgumentException("--sync-period must be greater than 0, got " + sync);
        }
        if (minSync.isNegative() || minSync.compareTo(sync) > 0) {
            throw new IllegalArgumentException("--min-sync-period (" + minSync + ") must be between 0 and --sync-period ("
                    + sync + ")");
        }
        var flags = new Flags(kubeconfig, hostname, clusterCIDR, masqueradeAll, minSync, sync, healthz, metrics, cleanup);
        // Checked now so a typo fails at start, not when the server is opened.
        flags.healthzAddress();
        flags.metricsAddress();
        return flags;
    }

    /** {@code --healthz-bind-address} as a socket address (port 10256 when none is given); null when empty. */
    public InetSocketAddress healthzAddress() {
        return bindAddress("healthz-bind-address", healthzBindAddress, 10256);
    }

    /** {@code --metrics-bind-address} as a socket address (port 10249 when none is given); null when empty. */
    public InetSocketAddress metricsAddress() {
        return bindAddress("metrics-bind-address", metricsBindAddress, 10249);
    }

    /**
     * {@code IP:PORT}, {@code [IPv6]:PORT}, or a bare IP (with {@code defaultPort}), as kube-proxy reads its bind
     * addresses; empty disables the server (null).
     */
    static InetSocketAddress bindAddress(String flag, String value, int defaultPort) {
        if (value == null || value.isBlank()) {
            return null;
        }
        var v = value.strip();
        String host;
        int port = defaultPort;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("flag --" + flag + ": '" + value + "' is not IP:PORT");
            }
            host = v.substring(1, close);
            if (close + 1 < v.length()) {
                port = port(flag, value, v.substring(close + 1));
            }
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = port(flag, value, v.substring(v.indexOf(':')));
        } else {
            host = v;
        }
        if (IpAddress.parse(host) == null) {
            throw new IllegalArgumentException("flag --" + flag + ": '" + host + "' is not an IP address");
        }
        return new InetSocketAddress(host, port);
    }

    private static int port(String flag, String value, String colonPort) {
        try {
            int p = Integer.parseInt(colonPort.substring(1));
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            // Reported below with the whole value.
        }
        throw new IllegalArgumentException("flag --" + flag + ": '" + value + "' has no valid port");
    }

    private static boolean bool(String name, String value) {
        if (value == null) {
            return true;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "t" -> true;
            case "false", "0", "f" -> false;
            default -> throw new IllegalArgumentException("flag --" + name + ": '" + value + "' is not a boolean");
        };
    }

    /** Go's {@code time.ParseDuration} for the units kube-proxy's flags use. */
    static Duration duration(String name, String value) {
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        var m = GO_DURATION_PART.matcher(value);
        int pos = 0;
        double nanos = 0;
        while (pos < value.length() && m.find(pos) && m.start() == pos) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw new AssertionError(m.group(2));
            };
            pos = m.end();
        }
        if (pos != value.length() || value.isEmpty()) {
            throw new IllegalArgumentException("flag --" + name + ": '" + value + "' is not a duration (e.g. 1s, 500ms, 1m30s)");
        }
        return Duration.ofNanos((long) nanos);
    }
}
