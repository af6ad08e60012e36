package dev.berth.scheduler.plugins.noderesources;

import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Builders for the noderesources tests: amounts in base units (millicores, bytes), as upstream's tests use. */
final class Fixtures {
    static final String EXT_A = "example.com/aaa";
    static final String EXT_B = "example.com/bbb";
    static final String HUGE_A = "hugepages-2Mi";

    private static final AtomicInteger SEQ = new AtomicInteger();

    private Fixtures() {}

    /** Requests of cpu (millicores) and memory (bytes). */
    static Resources res(long milliCpu, long memory) {
        return new Resources(milliCpu, memory, 0, 0, Map.of());
    }

    static Resources res(long milliCpu, long memory, long ephemeralStorage) {
        return new Resources(milliCpu, memory, ephemeralStorage, 0, Map.of());
    }

    /** cpu, memory and scalar pairs ("example.com/aaa", 3L, ...). */
    static Resources res(long milliCpu, long memory, Object... scalarPairs) {
        Map<String, Long> scalars = new HashMap<>();
        for (int i = 0; i < scalarPairs.length; i += 2) {
            scalars.put((String) scalarPairs[i], ((Number) scalarPairs[i + 1]).longValue());
        }
        return new Resources(milliCpu, memory, 0, 0, scalars);
    }

    static Resources storage(long bytes) {
        return new Resources(0, 0, bytes, 0, Map.of());
    }

    /** A pod with one container per requests entry. */
    static Pod pod(Resources... containers) {
        return podOn("", containers);
    }

    /** A pod bound to {@code node} with one container per requests entry. */
    static Pod podOn(String node, Resources... containers) {
        Pod.Builder b = Pod.builder("p" + SEQ.incrementAndGet()).nodeName(node);
        for (int i = 0; i < containers.length; i++) {
            b.container(Container.of("c" + i, "", containers[i]));
        }
        return b.build();
    }

    /** The pod with these init containers added. */
    static Pod withInit(Pod pod, Resources... init) {
        List<Container> inits = new ArrayList<>(pod.initContainers());
        for (Resources r : init) {
            inits.add(Container.of("init" + inits.size(), "", r));
        }
        return copy(pod, inits, pod.containers(), pod.overhead());
    }

    /** The pod with a sidecar (restartable init container) added. */
    static Pod withSidecar(Pod pod, Resources requests) {
        List<Container> inits = new ArrayList<>(pod.initContainers());
        inits.add(new Container("sidecar" + inits.size(), "", requests, null, null, "Always"));
        return copy(pod, inits, pod.containers(), pod.overhead());
    }

    static Pod withOverhead(Pod pod, Resources overhead) {
        return copy(pod, pod.initContainers(), pod.containers(), overhead);
    }

    private static Pod copy(Pod p, List<Container> init, List<Container> containers, Resources overhead) {
        return new Pod(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations(), p.creationTimestamp(),
                p.schedulerName(), p.priority(), p.nodeName(), p.nodeSelector(), p.nodeAffinity(), p.tolerations(),
                init, containers, overhead, p.schedulingGates(), p.phase());
    }

    static Node node(String name, Resources allocatable) {
        return Node.builder(name).allocatable(allocatable).build();
    }

    /** The node with the given pods counted against it. */
    static NodeInfo nodeInfo(Node node, Pod... pods) {
        List<PodInfo> infos = new ArrayList<>();
        for (Pod p : pods) {
            infos.add(PodInfo.of(p));
        }
        return NodeInfo.of(node, infos);
    }

    /** NodeInfos for the nodes, each with the existing pods bound to it by name. */
    static List<NodeInfo> nodeInfos(List<Node> nodes, List<Pod> existing) {
        List<NodeInfo> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(nodeInfo(n, existing.stream().filter(p -> p.nodeName().equals(n.name())).toArray(Pod[]::new)));
        }
        return out;
    }
}
