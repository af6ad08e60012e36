package dev.berth.scheduler.plugins.tainttoleration;

import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.TaintEffect;
import dev.berth.scheduler.model.Toleration;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How tolerations match taints, with the rules of the Kubernetes API helpers
 * ({@code Toleration.ToleratesTaint}):
 * <ul>
 *   <li>a toleration with an effect matches only taints of that effect; no effect matches every effect;</li>
 *   <li>a toleration with a key matches only taints of that key; an empty key matches every key
 *       (the API only admits that with {@code Exists}, which then tolerates everything);</li>
 *   <li>{@code Equal} also needs the values to be equal; {@code Exists} ignores the value.</li>
 * </ul>
 */
public final class Tolerations {
    private Tolerations() {}

    /** Whether this toleration tolerates this taint. */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.effect() != null && toleration.effect() != taint.effect()) {
            return false;
        }
        if (!toleration.key().isEmpty() && !toleration.key().equals(taint.key())) {
            return false;
        }
        return switch (toleration.operator()) {
            case EQUAL -> toleration.value().equals(taint.value());
            case EXISTS -> true;
        };
    }

    /** Whether any of the tolerations tolerates the taint. */
    public static boolean anyTolerates(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : tolerations) {
            if (tolerates(t, taint)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first taint, in the node's order, that {@code applies} selects and no toleration tolerates;
     * empty when the pod tolerates all such taints.
     */
    public static Optional<Taint> findUntolerated(List<Taint> taints, List<Toleration> tolerations,
                                                  Predicate<Taint> applies) {
        for (Taint taint : taints) {
            if (applies.test(taint) && !anyTolerates(tolerations, taint)) {
                return Optional.of(taint);
            }
        }
        return Optional.empty();
    }

    /** The taints that keep pods off a node: NoSchedule and NoExecute (PreferNoSchedule only scores). */
    public static boolean isDoNotSchedule(Taint taint) {
        return taint.effect() == TaintEffect.NO_SCHEDULE || taint.effect() == TaintEffect.NO_EXECUTE;
    }
}
