package dev.berth.scheduler.cli;

import dev.berth.scheduler.cluster.SchedulerServer;
import dev.berth.scheduler.config.ConfigException;
import dev.berth.scheduler.model.json.ManifestException;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code berth-scheduler} command line. */
public final class Main {
    static final String USAGE = """
            usage:
              berth-scheduler simulate --nodes NODES.yaml --pods PODS.yaml [--config FILE] [--plugin-dir DIR]...
                                       [--output table|json] [--explain [NAMESPACE/]POD] [--seed N]
              berth-scheduler [--config FILE] [--kubeconfig FILE] [--plugin-dir DIR]... [--leader-elect=true|false]
                              [--leader-elect-resource-name NAME] [--leader-elect-resource-namespace NS]
                              [--secure-port|--healthz-port PORT (10259; 0: off)] [--bind-address ADDR]

            simulate schedules the pods onto the nodes in memory (no API server) with the profiles of --config
            (kube-scheduler's KubeSchedulerConfiguration, kubescheduler.config.k8s.io/v1; the default profile
            without it) and prints each pod's node or its FailedScheduling message.
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            if (args[0].equals("simulate")) {
                return simulate(args, out, err);
            }
            return cluster(args, err);
        } catch (UsageException e) {
            err.println("berth-scheduler: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (ConfigException e) {
            err.println("berth-scheduler: invalid scheduler configuration:");
            err.println(e.getMessage().indent(2).stripTrailing());
            return 1;
        } catch (ManifestException | IllegalArgumentException e) {
            err.println("berth-scheduler: " + e.getMessage());
            return 1;
        }
    }

    private static int simulate(String[] args, PrintStream out, PrintStream err) {
        Path nodes = null, pods = null, config = null;
        List<Path> pluginDirs = new ArrayList<>();
        String output = "table", explain = null;
        long seed = 1;
        for (Flag f : flags(args, 1)) {
            String flag = f.name();
            String value = required(flag, f.value());
            switch (flag) {
                case "--nodes" -> nodes = existing(flag, value);
                case "--pods" -> pods = existing(flag, value);
                case "--config" -> config = existing(flag, value);
                case "--plugin-dir" -> pluginDirs.add(existing(flag, value));
                case "--output", "-o" -> output = value;
                case "--explain" -> explain = value;
                case "--seed" -> seed = Long.parseLong(value);
                default -> throw new UsageException("unknown flag " + flag);
            }
        }
        if (nodes == null || pods == null) {
            throw new UsageException("simulate needs --nodes and --pods");
        }
        if (!output.equals("table") && !output.equals("json")) {
            throw new UsageException("--output must be table or json, got " + output);
        }
        PrintStream explainOut = output.equals("json") ? err : out;
        List<Simulate.Placement> placements = Simulate.run(
                new Simulate.Options(nodes, pods, config, pluginDirs, explain, seed), explainOut);
        if (explain != null && output.equals("table")) {
            out.println();
        }
        out.print(output.equals("json") ? Simulate.json(placements) : Simulate.table(placements));
        return 0;
    }

    /** Runs against the API server until SIGTERM; flags follow kube-scheduler's. */
    private static int cluster(String[] args, PrintStream err) {
        Path config = null;
        String kubeconfig = null, leaseName = null, leaseNamespace = null;
        Boolean leaderElect = null;
        int healthzPort = 10259;
        String bindAddress = "0.0.0.0";
        List<Path> pluginDirs = new ArrayList<>();
        for (Flag f : flags(args, 0)) {
            String flag = f.name();
            String value = f.value();
            switch (flag) {
                case "--config" -> config = existing(flag, required(flag, value));
                case "--kubeconfig" -> kubeconfig = required(flag, value);
                case "--plugin-dir" -> pluginDirs.add(existing(flag, required(flag, value)));
                case "--leader-elect" -> leaderElect = value == null || Boolean.parseBoolean(value);
                case "--leader-elect-resource-name" -> leaseName = required(flag, value);
                case "--leader-elect-resource-namespace" -> leaseNamespace = required(flag, value);
                // kube-scheduler's --secure-port serves these endpoints; here they are plain HTTP. 0 turns them off.
                case "--secure-port", "--healthz-port" -> healthzPort = Integer.parseInt(required(flag, value));
                case "--bind-address" -> bindAddress = required(flag, value);
                default -> throw new UsageException("unknown flag " + flag);
            }
        }
        SchedulerServer server;
        try {
            // Losing the lease ends the process, as kube-scheduler does; the Deployment restarts it as a candidate.
            server = SchedulerServer.start(new SchedulerServer.Options(config, kubeconfig, pluginDirs, leaderElect,
                    leaseName, leaseNamespace, () -> Runtime.getRuntime().halt(1), null,
                    healthzPort == 0 ? null : new java.net.InetSocketAddress(bindAddress, healthzPort)));
        } catch (java.io.IOException e) {
            err.println("berth-scheduler: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "berth-scheduler-shutdown"));
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** A command-line flag and its value, null when none was given. */
    private record Flag(String name, String value) {}

    /**
     * Splits {@code --flag=value}, {@code --flag value} and bare {@code --flag}: an argument after a flag is
     * its value unless it is a flag itself (negative numbers take the {@code =} form).
     */
    private static List<Flag> flags(String[] args, int from) {
        List<Flag> out = new ArrayList<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (eq > 0) {
                out.add(new Flag(a.substring(0, eq), a.substring(eq + 1)));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                out.add(new Flag(a, args[++i]));
            } else {
                out.add(new Flag(a, null));
            }
        }
        return out;
    }

    private static String required(String flag, String value) {
        if (value == null) {
            throw new UsageException("flag " + flag + " needs a value");
        }
        return value;
    }

    private static Path existing(String flag, String value) {
        Path p = Path.of(value);
        if (!Files.exists(p)) {
            throw new UsageException(flag + " " + value + ": no such file or directory");
        }
        return p;
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
