package dev.berth.proxy.model;

import java.util.Comparator;
import java.util.Objects;

/** A namespace and a name; prints as {@code namespace/name}. */
public record NamespacedName(String namespace, String name) implements Comparable<NamespacedName> {
    private static final Comparator<NamespacedName> ORDER =
            Comparator.comparing(NamespacedName::namespace).thenComparing(NamespacedName::name);

    public NamespacedName {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public static NamespacedName of(String namespace, String name) {
        return new NamespacedName(namespace, name);
    }

    @Override
    public int compareTo(NamespacedName o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
