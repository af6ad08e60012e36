package dev.berth.examples.preferlabel;

/**
 * {@code pluginConfig[].args} of {@link PreferLabel}.
 *
 * @param label    the node label to look at (required)
 * @param value    the value that label must have (required; may be empty)
 * @param required when true, nodes without {@code label=value} are also filtered out
 */
public record PreferLabelArgs(String label, String value, Boolean required) {}
