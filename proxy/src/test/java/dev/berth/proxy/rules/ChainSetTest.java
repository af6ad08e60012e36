package dev.berth.proxy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChainSetTest {
    @Test
    void behavesAsTheSetItStandsForThroughManyChanges() {
        var r = new Random(3);
        var model = new HashSet<String>();
        for (int i = 0; i < 500; i++) {
            model.add("KUBE-SEP-" + r.nextInt(2000));
        }
        var set = ChainSet.of(new ArrayList<>(model));
        var earlier = new ArrayList<Set<String>>();
        var earlierModels = new ArrayList<Set<String>>();
        for (int round = 0; round < 200; round++) {
            var gone = new ArrayList<String>();
            var extra = new ArrayList<String>();
            for (int i = r.nextInt(20); i > 0; i--) {
                gone.add("KUBE-SEP-" + r.nextInt(2000));
            }
            for (int i = r.nextInt(20); i > 0; i--) {
                extra.add("KUBE-SEP-" + r.nextInt(2000));
            }
            model.removeAll(gone);
            model.addAll(extra);
            set = set.with(gone, extra);
            assertEquals(model, set, "round " + round);
            assertEquals(model.size(), set.size());
            assertEquals(model, new HashSet<>(set), "iteration, round " + round);
            assertFalse(set.contains("KUBE-SVC-0"));
            earlier.add(set);
            earlierModels.add(Set.copyOf(model));
        }
        // Later changes leave earlier sets as they were.
        assertEquals(earlierModels, earlier);
    }

    @Test
    void isImmutable() {
        var set = ChainSet.of(List.of("a", "b")).with(List.of("a"), List.of("c"));
        assertThrows(UnsupportedOperationException.class, () -> set.add("d"));
        assertThrows(UnsupportedOperationException.class, () -> set.remove("b"));
        assertThrows(UnsupportedOperationException.class, set::clear);
        assertEquals(Set.of("b", "c"), set);
    }

    @Test
    void toleratesDuplicateNames() {
        assertEquals(Set.of("a", "b"), ChainSet.of(List.of("a", "b", "a")));
    }
}
