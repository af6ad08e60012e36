package dev.berth.scheduler.model;

import java.util.List;

/** An image present on a node ({@code status.images[]}): all its names and its size in bytes. */
public record ContainerImage(List<String> names, long sizeBytes) {
    public ContainerImage {
        names = names == null ? List.of() : List.copyOf(names);
    }
}
