package dev.berth.scheduler.core;

import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** No node fits the pod. {@link #getMessage()} is the FailedScheduling event text kube-scheduler writes. */
public final class FitError extends Exception {
    private final transient Pod pod;
    private final int numAllNodes;
    private final transient Diagnosis diagnosis;

    /** kube-scheduler's text when the cluster has no node at all. */
    public static final String NO_NODES_AVAILABLE = "no nodes available to schedule pods";

    public FitError(Pod pod, int numAllNodes, Diagnosis diagnosis) {
        this(pod, numAllNodes, diagnosis, message(numAllNodes, diagnosis));
    }

    private FitError(Pod pod, int numAllNodes, Diagnosis diagnosis, String message) {
        super(message, null, false, false);
        this.pod = pod;
        this.numAllNodes = numAllNodes;
        this.diagnosis = diagnosis;
    }

    /** The cluster has no node: unschedulable until a node is added (no plugin rejected it, so any event retries it). */
    public static FitError noNodesAvailable(Pod pod) {
        return new FitError(pod, 0, new Diagnosis(java.util.Map.of(), null, java.util.Set.of(), null, null), NO_NODES_AVAILABLE);
    }

    public Pod pod() {
        return pod;
    }

    public int numAllNodes() {
        return numAllNodes;
    }

    public Diagnosis diagnosis() {
        return diagnosis;
    }

    /**
     * {@code 0/N nodes are available: <PreFilter message>.} when PreFilter rejected the pod, otherwise
     * {@code 0/N nodes are available: <count> <reason>, ....} with one count per distinct reason across
     * nodes, the "count reason" strings sorted; then the PostFilter message, if any.
     */
    static String message(int numAllNodes, Diagnosis d) {
        StringBuilder sb = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
        if (d.preFilterMessage() != null && !d.preFilterMessage().isEmpty()) {
            sb.append(' ').append(d.preFilterMessage()).append('.');
        } else {
            Map<String, Integer> counts = new TreeMap<>();
            for (Status s : d.nodeStatuses().values()) {
                for (String reason : s.reasons()) {
                    counts.merge(reason, 1, Integer::sum);
                }
            }
            int absent = numAllNodes - d.nodeStatuses().size();
            if (absent > 0 && d.absentNodesStatus() != null) {
                for (String reason : d.absentNodesStatus().reasons()) {
                    counts.merge(reason, absent, Integer::sum);
                }
            }
            List<String> parts = new ArrayList<>();
            counts.forEach((reason, n) -> parts.add(n + " " + reason));
            Collections.sort(parts);
            if (!parts.isEmpty()) {
                sb.append(' ').append(String.join(", ", parts)).append('.');
            }
        }
        if (d.postFilterMessage() != null && !d.postFilterMessage().isEmpty()) {
            sb.append(' ').append(d.postFilterMessage());
        }
        return sb.toString();
    }
}
