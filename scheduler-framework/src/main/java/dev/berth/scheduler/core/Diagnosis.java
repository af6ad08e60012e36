package dev.berth.scheduler.core;

import dev.berth.scheduler.framework.Status;

import java.util.Map;
import java.util.Set;

/**
 * Why a pod fitted no node.
 *
 * @param nodeStatuses         the verdict of each node that was filtered and rejected
 * @param absentNodesStatus    the verdict for every node not in {@code nodeStatuses} (PreFilter shortlist), or null
 * @param unschedulablePlugins the plugins that rejected the pod somewhere: the queue retries it on their events
 * @param preFilterMessage     the PreFilter rejection, which then stands for every node; or null
 * @param postFilterMessage    what PostFilter (preemption) said, or null
 */
public record Diagnosis(Map<String, Status> nodeStatuses, Status absentNodesStatus, Set<String> unschedulablePlugins,
                        String preFilterMessage, String postFilterMessage) {
    public Diagnosis {
        nodeStatuses = Map.copyOf(nodeStatuses);
        unschedulablePlugins = Set.copyOf(unschedulablePlugins);
    }

    public Diagnosis withPostFilterMessage(String message) {
        return new Diagnosis(nodeStatuses, absentNodesStatus, unschedulablePlugins, preFilterMessage, message);
    }
}
