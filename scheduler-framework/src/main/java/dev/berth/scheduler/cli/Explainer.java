package dev.berth.scheduler.cli;

import dev.berth.scheduler.core.Scheduler;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Snapshot;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.framework.runtime.Framework;
import dev.berth.scheduler.model.Pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code simulate --explain}: every node's verdict from every Filter plugin (not only the first that
 * rejected it) and, for the nodes that passed, each Score plugin's score before and after
 * normalizing and weighting. Runs on the cluster exactly as the pod's own attempt will see it.
 */
final class Explainer {
    private Explainer() {}

    static String explain(Scheduler scheduler, Pod pod) {
        Framework fwk = scheduler.profiles().get(pod.schedulerName());
        StringBuilder out = new StringBuilder();
        out.append("Explain ").append(pod.key()).append(" (profile ").append(pod.schedulerName()).append(")\n");
        if (fwk == null) {
            return out.append("  no profile named \"").append(pod.schedulerName()).append("\"\n").toString();
        }
        Snapshot snap = scheduler.snapshotForCycle();
        CycleState state = new CycleState();
        Framework.PreFilterOutcome pre = fwk.runPreFilter(state, pod, snap.nodes());
        out.append("  PreFilter: ").append(describe(pre.status()));
        if (pre.nodeNames() != null) {
            out.append(" (shortlist ").append(pre.nodeNames().stream().sorted().toList()).append(")");
        }
        if (!state.skipFilterPlugins().isEmpty()) {
            out.append(" (skips Filter of ").append(state.skipFilterPlugins().stream().sorted().toList()).append(")");
        }
        out.append('\n');
        if (!pre.status().isSuccess()) {
            return out.toString();
        }
        List<NodeInfo> feasible = new ArrayList<>();
        int width = Math.max(4, snap.nodes().stream().mapToInt(n -> n.name().length()).max().orElse(4));
        out.append("  Filter:\n");
        for (NodeInfo node : snap.nodes()) {
            if (pre.nodeNames() != null && !pre.nodeNames().contains(node.name())) {
                out.append("    ").append(pad(node.name(), width)).append("  not in the PreFilter shortlist\n");
                continue;
            }
            Map<String, Status> verdicts = fwk.explainFilter(state, pod, node);
            List<String> failed = verdicts.entrySet().stream().filter(e -> !e.getValue().isSuccess() && !e.getValue().isSkip())
                    .map(e -> e.getKey() + ": " + describe(e.getValue())).toList();
            if (failed.isEmpty()) {
                feasible.add(node);
                out.append("    ").append(pad(node.name(), width)).append("  passed\n");
            } else {
                out.append("    ").append(pad(node.name(), width)).append("  ").append(String.join("; ", failed)).append('\n');
            }
        }
        if (feasible.isEmpty()) {
            return out.append("  Score: no feasible node\n").toString();
        }
        Status preScore = fwk.runPreScore(state, pod, feasible);
        if (!preScore.isSuccess()) {
            return out.append("  PreScore: ").append(describe(preScore)).append('\n').toString();
        }
        Framework.Scores scores = fwk.runScore(state, pod, feasible, scheduler.parallelizer());
        out.append("  Score (raw -> normalized x weight):\n");
        for (int n = 0; n < feasible.size(); n++) {
            List<String> parts = new ArrayList<>();
            for (int p = 0; p < scores.plugins().size(); p++) {
                parts.add(scores.plugins().get(p) + " " + scores.raw()[p][n] + "->" + scores.weighted()[p][n]);
            }
            out.append("    ").append(pad(feasible.get(n).name(), width)).append("  total ")
                    .append(String.format("%4d", scores.totals()[n])).append("  ")
                    .append(parts.stream().collect(Collectors.joining(", "))).append('\n');
        }
        return out.toString();
    }

    private static String describe(Status s) {
        return s.reasons().isEmpty() ? s.code().upstreamName() : s.code().upstreamName() + " (" + s.message() + ")";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
