package dev.berth.cni.install;

import dev.berth.cni.BerthBridge;
import dev.berth.cni.BerthHostLocal;
import dev.berth.cni.bridge.BridgePlugin;
import dev.berth.cni.ipam.hostlocal.HostLocal;
import dev.berth.cni.skel.Plugin;
import dev.berth.cni.skel.Skel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The training workload {@code berth-cni-install} records the JDK's AOT cache from: every command of
 * both plugins, run in this one JVM through the same {@link Skel} the executables use, so the cache
 * holds the classes (loaded and linked) and the method profiles that a real invocation needs.
 *
 * <p>With {@code --netns PATH} the bridge really attaches a container namespace: the installer runs this
 * JVM inside a scratch "host" namespace and passes another scratch namespace, so the node's own network
 * is never touched. Without it only what needs no kernel networking runs (VERSION, host-local ADD/CHECK/DEL
 * on files, STATUS, GC). Any command that fails is printed and the exit status is 1: a cache trained on
 * an error path would be worse than none, and the installer must say so.
 *
 * <pre>AotTraining --data-dir DIR [--netns PATH] [--ipmasq] [--rounds N]</pre>
 */
public final class AotTraining {
    private static final String BRIDGE = "berth-train0";
    private static final String SUBNET = "10.254.254.0/24";

    private final Path dataDir;
    private final String netns;
    private final boolean ipMasq;
    private int failures;

    private AotTraining(Path dataDir, String netns, boolean ipMasq) {
        this.dataDir = dataDir;
        this.netns = netns;
        this.ipMasq = ipMasq;
    }

    public static void main(String[] args) {
        Path dataDir = null;
        String netns = null;
        boolean ipMasq = false;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--netns" -> netns = args[++i];
                case "--ipmasq" -> ipMasq = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (dataDir == null) {
            usage("--data-dir is required");
        }
        // The executables' own classes: their mains are what the cache must serve first.
        var mains = new Class<?>[] {BerthBridge.class, BerthHostLocal.class};
        var training = new AotTraining(dataDir, netns, ipMasq);
        for (int round = 0; round < rounds; round++) {
            training.round(round);
        }
        System.err.println("berth-cni AOT training: " + rounds + " rounds, " + mains.length + " plugins, "
                + (netns == null ? "without namespaces (VERSION, host-local, STATUS, GC)" : "ADD/CHECK/DEL in " + netns)
                + ", " + training.failures + " failures");
        System.exit(training.failures == 0 ? 0 : 1);
    }

    private static void usage(String problem) {
        System.err.println("AotTraining: " + problem);
        System.err.println("usage: AotTraining --data-dir DIR [--netns PATH] [--ipmasq] [--rounds N]");
        System.exit(2);
    }

    private void round(int round) {
        var bridge = new BridgePlugin();
        var hostLocal = new HostLocal();
        var id = "berth-aot-training-" + round;
        run(bridge, "VERSION", id, "", "{}");
        run(hostLocal, "VERSION", id, "", "{}");

        var ipamConf = "{\"cniVersion\":\"1.0.0\",\"name\":\"berth-aot-ipam\",\"type\":\"berth-host-local\","
                + "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"" + SUBNET + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
                + "\"dataDir\":\"" + dataDir + "\"}}";
        var allocated = run(hostLocal, "ADD", id, "/var/run/netns/none", ipamConf);
        run(hostLocal, "CHECK", id, "/var/run/netns/none", withPrevResult(ipamConf, allocated));
        run(hostLocal, "DEL", id, "/var/run/netns/none", ipamConf);

        var bridgeConf = "{\"cniVersion\":\"1.1.0\",\"name\":\"berth-aot-bridge\",\"type\":\"berth-bridge\",\"bridge\":\"" + BRIDGE
                + "\",\"isGateway\":true,\"isDefaultGateway\":true,\"ipMasq\":" + ipMasq + ",\"hairpinMode\":true,"
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + SUBNET + "\",\"dataDir\":\"" + dataDir + "\"}}";
        if (netns != null) {
            var added = run(bridge, "ADD", id, netns, bridgeConf);
            run(bridge, "CHECK", id, netns, withPrevResult(bridgeConf, added));
            run(bridge, "DEL", id, netns, bridgeConf);
            run(bridge, "DEL", id, netns, bridgeConf);
        }
        run(bridge, "STATUS", id, "", bridgeConf);
        var gcConf = bridgeConf.substring(0, bridgeConf.length() - 1) + ",\"cni.dev/valid-attachments\":[]}";
        run(bridge, "GC", id, "", gcConf);
    }

    private static String withPrevResult(String conf, String result) {
        return conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + result + "}";
    }

    /** One invocation through the skeleton, as the executable would make it; returns stdout. */
    private String run(Plugin plugin, String command, String containerId, String netnsPath, String conf) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netnsPath);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/nonexistent");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = new Skel(env::get, new ByteArrayInputStream(conf.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(plugin, "");
        var stdout = out.toString(StandardCharsets.UTF_8);
        if (status != 0) {
            failures++;
            System.err.println("berth-cni AOT training: " + plugin.getClass().getSimpleName() + " " + command
                    + " failed: " + stdout.strip() + " " + err.toString(StandardCharsets.UTF_8).strip());
        }
        return stdout.isBlank() ? "{}" : stdout.strip();
    }
}
