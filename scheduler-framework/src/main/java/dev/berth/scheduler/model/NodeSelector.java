package dev.berth.scheduler.model;

import java.util.List;

/** A required node selector: a node matches when any one of its terms matches (OR). */
public record NodeSelector(List<NodeSelectorTerm> terms) {
    public NodeSelector {
        terms = terms == null ? List.of() : List.copyOf(terms);
    }
}
