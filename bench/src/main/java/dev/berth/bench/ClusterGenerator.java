package dev.berth.bench;

import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.ContainerImage;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeAffinity;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorTerm;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.PreferredSchedulingTerm;
import dev.berth.scheduler.model.Resources;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic clusters for benchmarks: nodes of three sizes across three zones, half
 * with SSDs, one in ten tainted {@code dedicated=infra:NoSchedule}; pods a quarter each plain,
 * tolerating that taint, with required + preferred node affinity, and with a nodeSelector.
 */
public final class ClusterGenerator {
    public static final String[] ZONES = {"zone-a", "zone-b", "zone-c"};
    private static final String[] IMAGES = {"registry.example/app:1.0", "registry.example/web:2.3", "registry.example/db:9.1"};

    private ClusterGenerator() {}

    public static List<Node> nodes(int count) {
        List<Node> nodes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = i % 3;
            Node.Builder b = Node.builder(String.format("node-%05d", i))
                    .label("topology.kubernetes.io/zone", ZONES[i % ZONES.length])
                    .label("disktype", i % 2 == 0 ? "ssd" : "hdd")
                    .allocatable("cpu", String.valueOf(8 << size), "memory", (32 << size) + "Gi", "pods", "110",
                            "ephemeral-storage", "100Gi");
            if (i % 10 == 9) {
                b.taint("dedicated", "infra", TaintEffect.NO_SCHEDULE);
            }
            if (i % 4 == 0) {
                b.image(300L << 20, IMAGES[i % IMAGES.length]);
            }
            nodes.add(b.build());
        }
        return nodes;
    }

    /** {@code count} pods named {@code prefix-N}, for the given scheduler, in a fixed mix. */
    public static List<Pod> pods(String prefix, int count, String schedulerName, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Pod> pods = new ArrayList<>(count);
        NodeAffinity affinity = new NodeAffinity(
                new NodeSelector(List.of(new NodeSelectorTerm(List.of(new NodeSelectorRequirement(
                        "topology.kubernetes.io/zone", NodeSelectorRequirement.Operator.IN, List.of("zone-a", "zone-b"))), List.of()))),
                List.of(new PreferredSchedulingTerm(50, new NodeSelectorTerm(List.of(new NodeSelectorRequirement(
                        "disktype", NodeSelectorRequirement.Operator.IN, List.of("ssd"))), List.of()))));
        Toleration infra = new Toleration("dedicated", Toleration.Operator.EQUAL, "infra", TaintEffect.NO_SCHEDULE, null);
        for (int i = 0; i < count; i++) {
            String cpu = (100 + 100 * random.nextInt(5)) + "m";
            String memory = (128 << random.nextInt(3)) + "Mi";
            Container c = new Container("app", IMAGES[random.nextInt(IMAGES.length)],
                    Resources.of(Map.of("cpu", cpu, "memory", memory)), Resources.ZERO, List.of(), null);
            Pod.Builder b = Pod.builder(prefix + "-" + i).namespace("bench").uid(prefix + "-" + i)
                    .schedulerName(schedulerName).created(Instant.EPOCH.plusMillis(i)).container(c);
            switch (i % 4) {
                case 1 -> b.toleration(infra);
                case 2 -> b.nodeAffinity(affinity);
                case 3 -> b.nodeSelector("disktype", "ssd");
                default -> { }
            }
            pods.add(b.build());
        }
        return pods;
    }

    /** The image names the generator puts on nodes, for checks. */
    public static List<ContainerImage> images() {
        return List.of(new ContainerImage(List.of(IMAGES), 300L << 20));
    }
}
