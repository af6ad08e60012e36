package dev.berth.bench.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A proxy the harness measures and how to start it inside its namespace. Both get the same kubeconfig (the
 * admin user, through the namespace's forward), {@code --cluster-cidr}, sync periods and loopback-only
 * healthz/metrics addresses.
 */
sealed interface ProxyUnderTest {
    /** Short name used in tables, namespace names and JSON. */
    String name();

    List<String> command(Path kubeconfig, String nodeName, Settings settings);

    default Map<String, String> environment() {
        return Map.of();
    }

    /** What both proxies are told the same way. */
    record Settings(String clusterCIDR, Duration minSyncPeriod, Duration syncPeriod) {
        static String go(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
    }

    /**
     * kube-proxy 1.20 in iptables mode (EndpointSliceProxying is beta and on by default in 1.20, so it reads the
     * v1beta1 slices). Host-global settings are left alone: {@code --conntrack-max-per-core=0} skips
     * nf_conntrack_max and the hash size, the two conntrack timeouts at 0 skip their sysctls; its remaining
     * sysctl write, {@code net.ipv4.conf.all.route_localnet}, is per network namespace. {@code --oom-score-adj=0}
     * keeps it from shielding itself from the OOM killer on a shared machine.
     */
    record Kube(Path binary) implements ProxyUnderTest {
        public String name() {
            return "kube-proxy";
        }

        public List<String> command(Path kubeconfig, String nodeName, Settings s) {
            return List.of(binary.toString(), "--kubeconfig=" + kubeconfig, "--hostname-override=" + nodeName,
                    "--proxy-mode=iptables", "--cluster-cidr=" + s.clusterCIDR(),
                    "--iptables-min-sync-period=" + Settings.go(s.minSyncPeriod()),
                    "--iptables-sync-period=" + Settings.go(s.syncPeriod()),
                    "--conntrack-max-per-core=0", "--conntrack-tcp-timeout-established=0",
                    "--conntrack-tcp-timeout-close-wait=0", "--healthz-bind-address=127.0.0.1:10256",
                    "--metrics-bind-address=127.0.0.1:10249", "--oom-score-adj=0", "--v=2");
        }
    }

    /** berth-proxy through its launcher; {@code javaOpts} become BERTH_JAVA_OPTS (JFR, heap). */
    record Berth(Path launcher, String javaOpts) implements ProxyUnderTest {
        public String name() {
            return "berth-proxy";
        }

        public List<String> command(Path kubeconfig, String nodeName, Settings s) {
            return new ArrayList<>(List.of(launcher.toString(), "--kubeconfig=" + kubeconfig,
                    "--hostname-override=" + nodeName, "--cluster-cidr=" + s.clusterCIDR(),
                    "--min-sync-period=" + Settings.go(s.minSyncPeriod()), "--sync-period=" + Settings.go(s.syncPeriod()),
                    "--healthz-bind-address=127.0.0.1:10256", "--metrics-bind-address=127.0.0.1:10249"));
        }

        public Map<String, String> environment() {
            return javaOpts == null || javaOpts.isBlank() ? Map.of() : Map.of("BERTH_JAVA_OPTS", javaOpts);
        }
    }
}
