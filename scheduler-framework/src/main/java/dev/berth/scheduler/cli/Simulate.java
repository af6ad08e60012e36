package dev.berth.scheduler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.scheduler.config.ConfigLoader;
import dev.berth.scheduler.config.SchedulerConfiguration;
import dev.berth.scheduler.core.Outcome;
import dev.berth.scheduler.core.Scheduler;
import dev.berth.scheduler.framework.QueuedPodInfo;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.json.Manifests;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code berth-scheduler simulate}: schedules manifests' pods onto manifests' nodes in memory, with
 * the same profiles, plugins and cycle as the real scheduler, and reports where each pod lands or
 * the FailedScheduling text kube-scheduler would write for it.
 *
 * <p>All pods enter the queue at once, so they are tried in queue order: priority first, then file
 * order. Pods that already name a node are counted on it as existing load.
 */
public final class Simulate {
    /** One pod's result. {@code node} is null when it was not placed, {@code message} when it was. */
    public record Placement(String pod, String node, String message) {}

    /** The simulation's inputs. */
    public record Options(Path nodes, Path pods, Path config, List<Path> pluginDirs, String explain, long seed) {}

    private Simulate() {}

    /** Runs a simulation; {@code explainOut} receives the --explain report, if one was asked for. */
    public static List<Placement> run(Options o, PrintStream explainOut) {
        PluginRegistry registry = PluginRegistry.load(o.pluginDirs());
        SchedulerConfiguration config = o.config() == null ? ConfigLoader.defaults(registry) : ConfigLoader.load(o.config(), registry);
        List<Node> nodes = Manifests.nodes(o.nodes());
        List<Pod> pods = Manifests.pods(o.pods());
        return run(config, registry, nodes, pods, o.explain(), o.seed(), explainOut);
    }

    static List<Placement> run(SchedulerConfiguration config, PluginRegistry registry, List<Node> nodes, List<Pod> pods,
                               String explain, long seed, PrintStream explainOut) {
        Map<String, Placement> results = new LinkedHashMap<>();
        try (Scheduler scheduler = Scheduler.builder(config, registry::factory).bindInline().seed(seed).build()) {
            nodes.forEach(scheduler::onNodeAdd);
            Map<String, Pod> byUid = new HashMap<>();
            for (Pod pod : pods) {
                if (byUid.putIfAbsent(pod.uid(), pod) != null) {
                    throw new IllegalArgumentException("pod " + pod.key() + " appears twice in the pods file");
                }
                results.put(pod.uid(), null);
                if (pod.isBound()) {
                    results.put(pod.uid(), new Placement(pod.key(), pod.nodeName(), null));
                } else if (!scheduler.responsibleFor(pod)) {
                    results.put(pod.uid(), new Placement(pod.key(), null, "not scheduled: schedulerName \""
                            + pod.schedulerName() + "\" names no profile (profiles: "
                            + String.join(", ", scheduler.profiles().keySet()) + ")"));
                } else if (!pod.schedulingGates().isEmpty()) {
                    results.put(pod.uid(), new Placement(pod.key(), null, "not scheduled: the pod has scheduling gates "
                            + pod.schedulingGates()));
                }
                scheduler.onPodAdd(pod);
            }
            QueuedPodInfo qp;
            while ((qp = scheduler.queue().poll()) != null) {
                Pod pod = qp.pod();
                if (explain != null && matches(pod, explain)) {
                    explainOut.print(Explainer.explain(scheduler, pod));
                }
                Outcome outcome = scheduler.scheduleOne(qp);
                if (outcome == null) {
                    continue;
                }
                Placement p = switch (outcome) {
                    case Outcome.Scheduled s -> new Placement(pod.key(), s.node(), null);
                    case Outcome.Unschedulable u -> new Placement(pod.key(), null, u.error().getMessage());
                    case Outcome.Failed f -> new Placement(pod.key(), null, "error in " + f.stage() + ": " + f.message());
                };
                results.put(pod.uid(), p);
            }
            if (explain != null && pods.stream().noneMatch(p -> matches(p, explain))) {
                explainOut.println("--explain " + explain + ": no such pod in the pods file");
            }
        }
        List<Placement> out = new ArrayList<>();
        results.forEach((uid, p) -> out.add(p));
        return out;
    }

    private static boolean matches(Pod pod, String name) {
        return name.contains("/") ? pod.key().equals(name) : pod.name().equals(name);
    }

    static String table(List<Placement> placements) {
        int podWidth = Math.max(3, placements.stream().mapToInt(p -> p.pod().length()).max().orElse(3));
        int nodeWidth = Math.max(4, placements.stream().mapToInt(p -> p.node() == null ? 1 : p.node().length()).max().orElse(4));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-" + podWidth + "s  %-" + nodeWidth + "s  %s%n", "POD", "NODE", "MESSAGE"));
        int placed = 0;
        for (Placement p : placements) {
            if (p.node() != null) {
                placed++;
            }
            sb.append(String.format("%-" + podWidth + "s  %-" + nodeWidth + "s  %s%n", p.pod(),
                    p.node() == null ? "-" : p.node(), p.message() == null ? "" : p.message()));
        }
        sb.append(String.format("%n%d pods: %d placed, %d not placed%n", placements.size(), placed, placements.size() - placed));
        return sb.toString();
    }

    static String json(List<Placement> placements) {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (Placement p : placements) {
            ObjectNode o = array.addObject();
            o.put("pod", p.pod());
            o.put("node", p.node());
            o.put("message", p.message());
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array) + System.lineSeparator();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
