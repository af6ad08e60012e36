package dev.berth.scheduler.framework;

/** The extension points, under the names a KubeSchedulerConfiguration's {@code plugins} uses. */
public enum ExtensionPoint {
    QUEUE_SORT("queueSort", Plugin.QueueSort.class),
    PRE_FILTER("preFilter", Plugin.PreFilter.class),
    FILTER("filter", Plugin.Filter.class),
    POST_FILTER("postFilter", Plugin.PostFilter.class),
    PRE_SCORE("preScore", Plugin.PreScore.class),
    SCORE("score", Plugin.Score.class),
    RESERVE("reserve", Plugin.Reserve.class),
    PERMIT("permit", Plugin.Permit.class),
    PRE_BIND("preBind", Plugin.PreBind.class),
    BIND("bind", Plugin.Bind.class),
    POST_BIND("postBind", Plugin.PostBind.class);

    private final String configName;
    private final Class<? extends Plugin> type;

    ExtensionPoint(String configName, Class<? extends Plugin> type) {
        this.configName = configName;
        this.type = type;
    }

    /** The field name under {@code profiles[].plugins}. */
    public String configName() {
        return configName;
    }

    /** The interface a plugin implements to take part in this point. */
    public Class<? extends Plugin> type() {
        return type;
    }
}
