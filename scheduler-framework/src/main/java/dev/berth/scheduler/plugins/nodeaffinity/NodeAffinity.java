package dev.berth.scheduler.plugins.nodeaffinity;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorTerm;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.plugins.helper.ScoreNormalizer;
import dev.berth.scheduler.plugins.nodeaffinity.NodeSelectorMatcher.PreferredTerms;
import dev.berth.scheduler.plugins.nodeaffinity.NodeSelectorMatcher.RequiredNodeAffinity;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Places pods by node labels and names: {@code spec.nodeSelector} and required node affinity filter
 * nodes, preferred node affinity scores them, and {@link NodeAffinityArgs#addedAffinity()} imposes
 * profile-wide affinity on top of every pod's own.
 *
 * <p>PreFilter compiles the pod's hard constraints once per cycle and, when every required term pins
 * {@code metadata.name} with {@code In}, shortlists those node names. Score sums the weights of the
 * matching preferred terms (the pod's and the added ones); normalisation scales the best node to 100.
 */
public final class NodeAffinity implements Plugin.PreFilter, Plugin.Filter, Plugin.PreScore, Plugin.Score,
        Plugin.EnqueueExtensions {
    public static final String NAME = "NodeAffinity";

    /** The Filter reason when the pod's own nodeSelector or required affinity does not match. */
    public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
    /** The Filter reason when the profile's added affinity does not match. */
    public static final String ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
    /** The PreFilter reason when the required terms' node-name sets cannot all be met. */
    public static final String ERR_REASON_CONFLICT = "pod affinity terms conflict";

    private static final String POD_PREFERRED_PATH = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution";

    record PreFilterState(RequiredNodeAffinity required) {}

    /** {@code preferred} is null when the pod has no preferred terms. */
    record PreScoreState(PreferredTerms preferred) {}

    static final CycleState.Key<PreFilterState> PRE_FILTER_KEY = new CycleState.Key<>("PreFilter" + NAME);
    static final CycleState.Key<PreScoreState> PRE_SCORE_KEY = new CycleState.Key<>("PreScore" + NAME);

    private final NodeSelectorMatcher addedNodeSelector;
    private final PreferredTerms addedPreferred;

    /**
     * @param args null for no added affinity
     * @throws IllegalArgumentException when the added affinity does not parse; the message names the field
     */
    public NodeAffinity(NodeAffinityArgs args) {
        var added = args == null ? null : args.addedAffinity();
        NodeSelectorMatcher selector = null;
        PreferredTerms preferred = null;
        if (added != null) {
            if (added.required() != null) {
                selector = NodeSelectorMatcher.strict(added.required(),
                        "addedAffinity.requiredDuringSchedulingIgnoredDuringExecution");
            }
            if (!added.preferred().isEmpty()) {
                preferred = PreferredTerms.compile(added.preferred(),
                        "addedAffinity.preferredDuringSchedulingIgnoredDuringExecution");
            }
        }
        this.addedNodeSelector = selector;
        this.addedPreferred = preferred;
    }

    public static PluginFactory<?> factory() {
        return PluginFactory.of(NAME, NodeAffinityArgs.class, (NodeAffinityArgs args, Handle handle) -> new NodeAffinity(args));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> eventsToRegister() {
        // Only a new node or a label change can turn a rejection into a match.
        return Set.of(ClusterEvent.NODE_ADD, ClusterEvent.NODE_LABEL);
    }

    @Override
    public PreFilterResult preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        NodeSelector required = pod.nodeAffinity().required();
        if (required == null && addedNodeSelector == null && pod.nodeSelector().isEmpty()) {
            return PreFilterResult.SKIP;
        }
        state.write(PRE_FILTER_KEY, new PreFilterState(RequiredNodeAffinity.of(pod)));
        if (required == null || required.terms().isEmpty()) {
            return PreFilterResult.SUCCESS;
        }
        // Terms are ORed, so a shortlist exists only if every term pins metadata.name.
        Set<String> union = new HashSet<>();
        for (NodeSelectorTerm term : required.terms()) {
            Set<String> termNames = null;
            for (NodeSelectorRequirement r : term.matchFields()) {
                if (r.key().equals(NodeSelectorMatcher.NODE_NAME_FIELD) && r.operator() == NodeSelectorRequirement.Operator.IN) {
                    // Requirements within a term are ANDed: intersect.
                    if (termNames == null) {
                        termNames = new HashSet<>(r.values());
                    } else {
                        termNames.retainAll(r.values());
                    }
                }
            }
            if (termNames == null) {
                return PreFilterResult.SUCCESS;
            }
            union.addAll(termNames);
        }
        if (union.isEmpty()) {
            return PreFilterResult.of(Status.unresolvable(ERR_REASON_CONFLICT));
        }
        return new PreFilterResult(Status.SUCCESS, union);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (addedNodeSelector != null && !addedNodeSelector.matches(node.node())) {
            return Status.unresolvable(ERR_REASON_ENFORCED);
        }
        PreFilterState s = state.read(PRE_FILTER_KEY);
        RequiredNodeAffinity required = s != null ? s.required() : RequiredNodeAffinity.of(pod);
        return required.matches(node.node()) ? Status.SUCCESS : Status.unresolvable(ERR_REASON_POD);
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> nodes) {
        PreferredTerms preferred;
        try {
            preferred = podPreferred(pod);
        } catch (IllegalArgumentException e) {
            return Status.error("pod " + pod.key() + ": " + e.getMessage());
        }
        if (preferred == null && addedPreferred == null) {
            return Status.SKIP;
        }
        state.write(PRE_SCORE_KEY, new PreScoreState(preferred));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        long score = addedPreferred == null ? 0 : addedPreferred.score(node.node());
        PreScoreState s = state.read(PRE_SCORE_KEY);
        PreferredTerms preferred;
        if (s != null) {
            preferred = s.preferred();
        } else {
            try {
                preferred = podPreferred(pod);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pod " + pod.key() + ": " + e.getMessage(), e);
            }
        }
        if (preferred != null) {
            score += preferred.score(node.node());
        }
        return score;
    }

    @Override
    public Status normalizeScore(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
        return ScoreNormalizer.defaultNormalize(MAX_NODE_SCORE, false, scores);
    }

    /** The pod's compiled preferred terms, or null when it has none. */
    private static PreferredTerms podPreferred(Pod pod) {
        var terms = pod.nodeAffinity().preferred();
        return terms.isEmpty() ? null : PreferredTerms.compile(terms, POD_PREFERRED_PATH);
    }
}
