package dev.berth.examples.preferlabel;

import dev.berth.scheduler.framework.ClusterEvent;
import dev.berth.scheduler.framework.CycleState;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.model.Pod;

import java.util.Set;

/**
 * An example user plugin: prefers nodes labelled {@code label=value} (score 100, others 0) and, with
 * {@code required: true}, only allows those. Built outside the scheduler and loaded from
 * {@code --plugin-dir}; enable it by name and give it args:
 * <pre>
 * profiles:
 * - plugins:
 *     multiPoint:
 *       enabled: [{name: PreferLabel, weight: 5}]
 *   pluginConfig:
 *   - name: PreferLabel
 *     args: {label: disktype, value: ssd, required: false}
 * </pre>
 * The object implements Filter only when required, so without it the scheduler never calls a Filter that
 * would always pass.
 */
public class PreferLabel implements Plugin.Score {
    public static final String NAME = "PreferLabel";
    /** The reason a node gets in FailedScheduling when {@code required} is set and its label differs. */
    public static final String REASON = "node(s) didn't have the preferred label";

    private final String label;
    private final String value;

    private PreferLabel(PreferLabelArgs args) {
        this.label = args.label();
        this.value = args.value();
    }

    /**
     * Makes the plugin for these args.
     *
     * @throws IllegalArgumentException naming the field, when {@code label} or {@code value} is missing
     */
    public static PreferLabel create(PreferLabelArgs args) {
        if (args == null || args.label() == null || args.label().isBlank()) {
            throw new IllegalArgumentException("label: required (the node label PreferLabel looks at)");
        }
        if (args.value() == null) {
            throw new IllegalArgumentException("value: required (the value label " + args.label() + " must have)");
        }
        return Boolean.TRUE.equals(args.required()) ? new Required(args) : new PreferLabel(args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        return matches(node) ? MAX_NODE_SCORE : MIN_NODE_SCORE;
    }

    final boolean matches(NodeInfo node) {
        return value.equals(node.node().labels().get(label));
    }

    /** The {@code required: true} variant, which also filters. */
    static final class Required extends PreferLabel implements Plugin.Filter, Plugin.EnqueueExtensions {
        private Required(PreferLabelArgs args) {
            super(args);
        }

        @Override
        public Status filter(CycleState state, Pod pod, NodeInfo node) {
            // Preempting pods cannot change a node's labels, hence unresolvable.
            return matches(node) ? Status.SUCCESS : Status.unresolvable(REASON);
        }

        /** Only a new node or a label change can make a rejected pod fit. */
        @Override
        public Set<ClusterEvent> eventsToRegister() {
            return Set.of(ClusterEvent.NODE_ADD, ClusterEvent.NODE_LABEL);
        }
    }
}
