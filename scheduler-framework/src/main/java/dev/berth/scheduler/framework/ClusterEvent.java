package dev.berth.scheduler.framework;

/**
 * A change in the cluster that may make an unschedulable pod schedulable. Plugins register the
 * events they care about; the queue retries a pod only on an event its rejecting plugins registered.
 */
public record ClusterEvent(Resource resource, Action action) {
    /** The kinds of object whose changes the queue tracks. */
    public enum Resource { NODE, POD, ANY }

    /** What happened. {@link #ANY} in a registration matches every action. */
    public enum Action {
        ADD, DELETE, UPDATE_NODE_ALLOCATABLE, UPDATE_NODE_LABEL, UPDATE_NODE_TAINT, UPDATE_NODE_UNSCHEDULABLE,
        UPDATE_NODE_IMAGES, UPDATE_POD_LABEL, UPDATE_POD_SCALE_DOWN, UPDATE_POD_TOLERATIONS, UPDATE_POD, ANY
    }

    public static final ClusterEvent NODE_ADD = new ClusterEvent(Resource.NODE, Action.ADD);
    public static final ClusterEvent NODE_DELETE = new ClusterEvent(Resource.NODE, Action.DELETE);
    public static final ClusterEvent NODE_LABEL = new ClusterEvent(Resource.NODE, Action.UPDATE_NODE_LABEL);
    public static final ClusterEvent NODE_TAINT = new ClusterEvent(Resource.NODE, Action.UPDATE_NODE_TAINT);
    public static final ClusterEvent NODE_ALLOCATABLE = new ClusterEvent(Resource.NODE, Action.UPDATE_NODE_ALLOCATABLE);
    public static final ClusterEvent NODE_UNSCHEDULABLE = new ClusterEvent(Resource.NODE, Action.UPDATE_NODE_UNSCHEDULABLE);
    public static final ClusterEvent POD_DELETE = new ClusterEvent(Resource.POD, Action.DELETE);
    public static final ClusterEvent POD_SCALE_DOWN = new ClusterEvent(Resource.POD, Action.UPDATE_POD_SCALE_DOWN);
    public static final ClusterEvent POD_TOLERATIONS = new ClusterEvent(Resource.POD, Action.UPDATE_POD_TOLERATIONS);
    /** Matches everything: used for plugins that register nothing, and for the periodic flush. */
    public static final ClusterEvent WILDCARD = new ClusterEvent(Resource.ANY, Action.ANY);

    /** Whether this registration covers the event that happened. */
    public boolean matches(ClusterEvent happened) {
        return (resource == Resource.ANY || happened.resource == Resource.ANY || resource == happened.resource)
                && (action == Action.ANY || happened.action == Action.ANY || action == happened.action);
    }
}
