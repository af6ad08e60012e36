package dev.berth.proxy.rules;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable set of chain names kept as a shared base with a few removals and additions, so that a generation
 * changing a few Services does not hash every endpoint chain name of the cluster again. Flattened into a new base
 * once the changes outgrow a sixteenth of it, so lookups stay at most three hash probes.
 */
final class ChainSet extends AbstractSet<String> {
    private final Set<String> base;
    /** Names of {@link #base} not in this set. */
    private final Set<String> removed;
    /** Names in this set and not in {@link #base}. */
    private final Set<String> added;

    private ChainSet(Set<String> base, Set<String> removed, Set<String> added) {
        this.base = base;
        this.removed = removed;
        this.added = added;
    }

    static ChainSet of(List<String> names) {
        Set<String> base;
        try {
            base = Set.of(names.toArray(String[]::new));
        } catch (IllegalArgumentException duplicates) {
            // A Service listing the same port twice declares its chains twice.
            base = Set.copyOf(names);
        }
        return new ChainSet(base, Set.of(), Set.of());
    }

    /** This set without {@code gone}, then with {@code extra}. */
    ChainSet with(Collection<String> gone, Collection<String> extra) {
        var r = new HashSet<>(removed);
        var a = new HashSet<>(added);
        for (var name : gone) {
            if (!a.remove(name) && base.contains(name)) {
                r.add(name);
            }
        }
        for (var name : extra) {
            if (base.contains(name)) {
                r.remove(name);
            } else {
                a.add(name);
            }
        }
        var next = new ChainSet(base, Set.copyOf(r), Set.copyOf(a));
        return r.size() + a.size() > 64 + base.size() / 16 ? of(List.copyOf(next)) : next;
    }

    @Override
    public boolean contains(Object o) {
        return added.contains(o) || (base.contains(o) && !removed.contains(o));
    }

    @Override
    public int size() {
        return base.size() - removed.size() + added.size();
    }

    @Override
    public Iterator<String> iterator() {
        return new Iterator<>() {
            private final Iterator<String> fromBase = base.iterator();
            private final Iterator<String> fromAdded = added.iterator();
            private String next = advance();

            private String advance() {
                while (fromBase.hasNext()) {
                    var name = fromBase.next();
                    if (!removed.contains(name)) {
                        return name;
                    }
                }
                return fromAdded.hasNext() ? fromAdded.next() : null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public String next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                var out = next;
                next = advance();
                return out;
            }
        };
    }
}
