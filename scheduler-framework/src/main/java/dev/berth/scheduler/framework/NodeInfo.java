package dev.berth.scheduler.framework;

import dev.berth.scheduler.model.ContainerImage;
import dev.berth.scheduler.model.ContainerPort;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Resources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node with the pods that count against it, and the sums scheduling needs. Immutable: adding or
 * removing a pod returns a new NodeInfo, so a snapshot handed to a cycle never changes under it.
 */
public final class NodeInfo {
    private final Node node;
    private final List<PodInfo> pods;
    private final Resources requested;
    private final Resources nonZeroRequested;
    private final List<ContainerPort> usedPorts;
    private final Map<String, Long> imageSizes;

    private NodeInfo(Node node, List<PodInfo> pods, Resources requested, Resources nonZeroRequested,
                     List<ContainerPort> usedPorts, Map<String, Long> imageSizes) {
        this.node = node;
        this.pods = pods;
        this.requested = requested;
        this.nonZeroRequested = nonZeroRequested;
        this.usedPorts = usedPorts;
        this.imageSizes = imageSizes;
    }

    public static NodeInfo of(Node node, List<PodInfo> pods) {
        Resources req = Resources.ZERO;
        Resources nz = Resources.ZERO;
        List<ContainerPort> ports = new ArrayList<>();
        for (PodInfo p : pods) {
            req = req.plus(p.requests());
            nz = nz.plus(p.nonZeroRequests());
            ports.addAll(p.hostPorts());
        }
        return new NodeInfo(node, List.copyOf(pods), req, nz, List.copyOf(ports), imageSizes(node));
    }

    public static NodeInfo of(Node node) {
        return of(node, List.of());
    }

    public Node node() {
        return node;
    }

    public String name() {
        return node.name();
    }

    /** The pods that count against this node, bound or assumed. */
    public List<PodInfo> pods() {
        return pods;
    }

    /** The sum of the pods' effective requests. */
    public Resources requested() {
        return requested;
    }

    /** The sum of the pods' requests with the non-zero scoring defaults. */
    public Resources nonZeroRequested() {
        return nonZeroRequested;
    }

    public Resources allocatable() {
        return node.allocatable();
    }

    /** Host ports the node's pods hold (hostPort, protocol, hostIP). */
    public List<ContainerPort> usedPorts() {
        return usedPorts;
    }

    /** Size in bytes of each image name present on the node. */
    public Map<String, Long> imageSizes() {
        return imageSizes;
    }

    public NodeInfo withNode(Node updated) {
        return new NodeInfo(updated, pods, requested, nonZeroRequested, usedPorts, imageSizes(updated));
    }

    public NodeInfo withPod(PodInfo pod) {
        List<PodInfo> p = new ArrayList<>(pods.size() + 1);
        p.addAll(pods);
        p.add(pod);
        List<ContainerPort> ports = usedPorts;
        if (!pod.hostPorts().isEmpty()) {
            ports = new ArrayList<>(usedPorts);
            ports.addAll(pod.hostPorts());
            ports = List.copyOf(ports);
        }
        return new NodeInfo(node, List.copyOf(p), requested.plus(pod.requests()),
                nonZeroRequested.plus(pod.nonZeroRequests()), ports, imageSizes);
    }

    /** This node without the pod of that uid; the same instance when the pod is not here. */
    public NodeInfo withoutPod(String uid) {
        for (int i = 0; i < pods.size(); i++) {
            if (pods.get(i).uid().equals(uid)) {
                List<PodInfo> p = new ArrayList<>(pods);
                p.remove(i);
                return of(node, p);
            }
        }
        return this;
    }

    private static Map<String, Long> imageSizes(Node node) {
        if (node.images().isEmpty()) {
            return Map.of();
        }
        Map<String, Long> m = new HashMap<>();
        for (ContainerImage image : node.images()) {
            for (String name : image.names()) {
                m.put(name, image.sizeBytes());
            }
        }
        return Map.copyOf(m);
    }

    @Override
    public String toString() {
        return "NodeInfo[" + node.name() + ", pods=" + pods.size() + ", requested=" + requested + "]";
    }
}
