package dev.berth.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A scheduler the harness measures: how to configure and start it against a control plane. Both run
 * the profile {@code default-scheduler} with the same plugins, score weights, adaptive
 * percentageOfNodesToScore, parallelism 16 and client qps/burst 5000, without leader election.
 */
sealed interface SchedulerUnderTest {
    int QPS = 5000;
    int BURST = 5000;

    /** Short name used in tables and JSON. */
    String name();

    /** Writes the configuration into {@code dir} and returns the process to start. */
    ProcessBuilder command(Path dir, Path kubeconfig) throws IOException;

    /**
     * kube-scheduler 1.20 from the cached Debian build. Its v1beta1 defaults carry plugins Berth does not
     * implement and 1.20's score weights (TaintToleration 1, NodeAffinity 1), so every extension point
     * is spelled out: exactly Berth's default set, with v1's weights (TaintToleration 3, NodeAffinity 2).
     */
    record Kube(Path binary) implements SchedulerUnderTest {
        static final String CONFIG = """
                apiVersion: kubescheduler.config.k8s.io/v1beta1
                kind: KubeSchedulerConfiguration
                clientConnection: {kubeconfig: "%s", qps: %d, burst: %d}
                leaderElection: {leaderElect: false}
                parallelism: 16
                healthzBindAddress: "127.0.0.1:%d"
                metricsBindAddress: "127.0.0.1:%d"
                profiles:
                - schedulerName: default-scheduler
                  plugins:
                    queueSort: {disabled: [{name: "*"}], enabled: [{name: PrioritySort}]}
                    preFilter: {disabled: [{name: "*"}], enabled: [{name: NodeResourcesFit}, {name: NodePorts}]}
                    filter:
                      disabled: [{name: "*"}]
                      enabled: [{name: NodeUnschedulable}, {name: NodeResourcesFit}, {name: NodeName}, {name: NodePorts},
                                {name: NodeAffinity}, {name: TaintToleration}]
                    postFilter: {disabled: [{name: "*"}]}
                    preScore: {disabled: [{name: "*"}], enabled: [{name: TaintToleration}]}
                    score:
                      disabled: [{name: "*"}]
                      enabled: [{name: NodeResourcesBalancedAllocation, weight: 1}, {name: ImageLocality, weight: 1},
                                {name: NodeResourcesLeastAllocated, weight: 1}, {name: NodeAffinity, weight: 2},
                                {name: TaintToleration, weight: 3}]
                    reserve: {disabled: [{name: "*"}]}
                    permit: {disabled: [{name: "*"}]}
                    preBind: {disabled: [{name: "*"}]}
                    bind: {disabled: [{name: "*"}], enabled: [{name: DefaultBinder}]}
                    postBind: {disabled: [{name: "*"}]}
                """;

        public String name() {
            return "kube-scheduler";
        }

        public ProcessBuilder command(Path dir, Path kubeconfig) throws IOException {
            Path config = dir.resolve("kube-scheduler.yaml");
            // 1.20 refuses port 0 for the insecure endpoints and takes them from the file, not --port:
            // a free loopback port keeps runs from colliding on 10251.
            int port = freePort();
            Files.writeString(config, CONFIG.formatted(kubeconfig, QPS, BURST, port, port));
            return new ProcessBuilder(List.of(binary.toString(), "--config", config.toString(), "--secure-port=0", "--v=1"));
        }
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** berth-scheduler through its launcher; {@code javaOpts} become BERTH_JAVA_OPTS (for JFR, heap). */
    record Berth(Path launcher, String javaOpts) implements SchedulerUnderTest {
        static final String CONFIG = """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                clientConnection: {qps: %d, burst: %d}
                leaderElection: {leaderElect: false}
                parallelism: 16
                profiles:
                - schedulerName: default-scheduler
                """;

        public String name() {
            return "berth-scheduler";
        }

        public ProcessBuilder command(Path dir, Path kubeconfig) throws IOException {
            Path config = dir.resolve("berth-scheduler.yaml");
            Files.writeString(config, CONFIG.formatted(QPS, BURST));
            var pb = new ProcessBuilder(List.of(launcher.toString(), "--config", config.toString(),
                    "--kubeconfig", kubeconfig.toString(), "--leader-elect=false"));
            Map<String, String> env = pb.environment();
            if (javaOpts != null && !javaOpts.isBlank()) {
                env.put("BERTH_JAVA_OPTS", javaOpts);
            }
            return pb;
        }
    }
}
