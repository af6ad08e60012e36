package dev.berth.scheduler.cache;

import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.PodInfo;
import dev.berth.scheduler.framework.Snapshot;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's view of the cluster: every node and every pod that holds resources on one, whichever
 * scheduler placed it, plus the pods this scheduler has assumed onto a node but whose bind is not yet
 * confirmed by the API server. Thread-safe; scheduling cycles read it through {@link #snapshot()}.
 *
 * <p>An assumed pod counts on its node from the moment it is chosen, so the next cycle cannot
 * overbook the node while the bind is in flight. It becomes an ordinary pod when the watch reports
 * it bound ({@link #addPod}), is dropped by {@link #forgetPod} when the bind fails, and expires
 * {@code assumedTtl} after its bind finished if no watch event ever confirmed it.
 */
public final class Cache {
    private record PodState(PodInfo info, String node, boolean assumed, Instant deadline) {}

    private final Duration assumedTtl;
    private final List<NodeInfo> nodes = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, PodState> pods = new HashMap<>();
    // Pods bound to a node the cache has not seen (yet, or any more): counted once it appears.
    private final Map<String, Map<String, PodInfo>> orphans = new HashMap<>();
    private final Map<String, Integer> imageCounts = new HashMap<>();

    private Snapshot snapshot;
    private Map<String, Integer> frozenIndex;
    private Map<String, Integer> frozenImages;

    /** @param assumedTtl how long an assumed pod whose bind finished waits for the watch to confirm it */
    public Cache(Duration assumedTtl) {
        this.assumedTtl = assumedTtl;
    }

    public synchronized void addNode(Node node) {
        Integer i = index.get(node.name());
        if (i != null) {
            updateNode(node);
            return;
        }
        NodeInfo info = NodeInfo.of(node);
        Map<String, PodInfo> waiting = orphans.remove(node.name());
        if (waiting != null) {
            info = NodeInfo.of(node, List.copyOf(waiting.values()));
        }
        index.put(node.name(), nodes.size());
        nodes.add(info);
        countImages(info, 1);
        frozenIndex = null;
        snapshot = null;
    }

    public synchronized void updateNode(Node node) {
        Integer i = index.get(node.name());
        if (i == null) {
            addNode(node);
            return;
        }
        NodeInfo old = nodes.get(i);
        NodeInfo updated = old.withNode(node);
        if (!old.imageSizes().equals(updated.imageSizes())) {
            countImages(old, -1);
            countImages(updated, 1);
        }
        nodes.set(i, updated);
        snapshot = null;
    }

    /** Removes a node; its pods are kept aside and count again if a node of that name returns. */
    public synchronized void removeNode(String name) {
        Integer i = index.remove(name);
        if (i == null) {
            return;
        }
        NodeInfo gone = nodes.get(i);
        countImages(gone, -1);
        if (!gone.pods().isEmpty()) {
            Map<String, PodInfo> kept = new LinkedHashMap<>();
            gone.pods().forEach(p -> kept.put(p.uid(), p));
            orphans.put(name, kept);
        }
        // Keep the list dense: move the last node into the hole.
        NodeInfo last = nodes.removeLast();
        if (i < nodes.size()) {
            nodes.set(i, last);
            index.put(last.name(), i);
        }
        frozenIndex = null;
        snapshot = null;
    }

    /**
     * A pod bound to a node, as the watch reports it. Confirms an assumption of the same pod (wherever
     * it was assumed); terminal pods hold nothing and are removed.
     */
    public synchronized void addPod(Pod pod) {
        if (!pod.isBound()) {
            return;
        }
        PodState old = pods.remove(pod.uid());
        if (old != null) {
            detach(old);
        }
        if (pod.isTerminal()) {
            return;
        }
        PodState state = new PodState(PodInfo.of(pod), pod.nodeName(), false, null);
        pods.put(pod.uid(), state);
        attach(state);
    }

    /** Same as {@link #addPod}: the new version replaces the old. */
    public synchronized void updatePod(Pod pod) {
        if (!pod.isBound()) {
            removePod(pod.uid());
            return;
        }
        addPod(pod);
    }

    public synchronized void removePod(String uid) {
        PodState old = pods.remove(uid);
        if (old != null) {
            detach(old);
        }
    }

    /** Counts a pod on the node chosen for it before the bind is confirmed. */
    public synchronized void assumePod(Pod pod, String nodeName) {
        if (pods.containsKey(pod.uid())) {
            throw new IllegalStateException("pod " + pod.key() + " (uid " + pod.uid() + ") is already in the cache");
        }
        Pod bound = pod.withNodeName(nodeName);
        PodState state = new PodState(PodInfo.of(bound), nodeName, true, null);
        pods.put(pod.uid(), state);
        attach(state);
    }

    /** The bind call returned: start the assumed pod's expiry clock. */
    public synchronized void finishBinding(String uid, Instant now) {
        PodState s = pods.get(uid);
        if (s != null && s.assumed()) {
            pods.put(uid, new PodState(s.info(), s.node(), true, now.plus(assumedTtl)));
        }
    }

    /** Drops an assumed pod whose bind failed. */
    public synchronized void forgetPod(String uid) {
        PodState s = pods.get(uid);
        if (s != null && s.assumed()) {
            pods.remove(uid);
            detach(s);
        }
    }

    public synchronized boolean isAssumed(String uid) {
        PodState s = pods.get(uid);
        return s != null && s.assumed();
    }

    /** Whether the cache holds this pod (bound or assumed). */
    public synchronized boolean contains(String uid) {
        return pods.containsKey(uid);
    }

    /** Expires assumed pods whose bind finished more than the TTL ago; returns them. */
    public synchronized List<Pod> cleanupExpiredAssumedPods(Instant now) {
        List<Pod> expired = new ArrayList<>();
        for (var it = pods.values().iterator(); it.hasNext(); ) {
            PodState s = it.next();
            if (s.assumed() && s.deadline() != null && now.isAfter(s.deadline())) {
                it.remove();
                detach(s);
                expired.add(s.info().pod());
            }
        }
        return expired;
    }

    public synchronized int nodeCount() {
        return nodes.size();
    }

    public synchronized int podCount() {
        return pods.size();
    }

    /** The node of that name as the cache has it now, or null. */
    public synchronized NodeInfo nodeInfo(String name) {
        Integer i = index.get(name);
        return i == null ? null : nodes.get(i);
    }

    /**
     * An immutable view for one cycle. Cheap when little changed: the node array is copied (references
     * only), the name index and image counts are reused until nodes come or go.
     */
    public synchronized Snapshot snapshot() {
        if (snapshot == null) {
            if (frozenIndex == null) {
                frozenIndex = Map.copyOf(index);
            }
            if (frozenImages == null) {
                frozenImages = Map.copyOf(imageCounts);
            }
            snapshot = Snapshot.handOver(nodes.toArray(NodeInfo[]::new), frozenIndex, frozenImages);
        }
        return snapshot;
    }

    private void attach(PodState s) {
        Integer i = index.get(s.node());
        if (i == null) {
            orphans.computeIfAbsent(s.node(), k -> new LinkedHashMap<>()).put(s.info().uid(), s.info());
            return;
        }
        nodes.set(i, nodes.get(i).withPod(s.info()));
        snapshot = null;
    }

    private void detach(PodState s) {
        Integer i = index.get(s.node());
        if (i == null) {
            Map<String, PodInfo> o = orphans.get(s.node());
            if (o != null) {
                o.remove(s.info().uid());
                if (o.isEmpty()) {
                    orphans.remove(s.node());
                }
            }
            return;
        }
        nodes.set(i, nodes.get(i).withoutPod(s.info().uid()));
        snapshot = null;
    }

    private void countImages(NodeInfo node, int delta) {
        if (node.imageSizes().isEmpty()) {
            return;
        }
        for (String image : node.imageSizes().keySet()) {
            imageCounts.merge(image, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
        frozenImages = null;
        snapshot = null;
    }
}
