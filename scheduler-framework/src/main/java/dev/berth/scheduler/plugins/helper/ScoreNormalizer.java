package dev.berth.scheduler.plugins.helper;

import dev.berth.scheduler.framework.Status;

/**
 * kube-scheduler's default score normalisation (helper.DefaultNormalizeScore): scales raw scores from
 * {@code [0, max(scores)]} onto {@code [0, maxPriority]} with integer division, optionally reversed so
 * that the lowest raw score gets the highest normalised one. Raw scores are assumed non-negative.
 */
public final class ScoreNormalizer {
    private ScoreNormalizer() {}

    /**
     * Rescales {@code scores} in place.
     *
     * <p>When every raw score is 0 the scores stay 0, or all become {@code maxPriority} when reversed
     * (no node is worse than another, so all get the best score).
     *
     * @return always {@link Status#SUCCESS}, so a plugin's normalizeScore can return it directly
     */
    public static Status defaultNormalize(long maxPriority, boolean reverse, long[] scores) {
        long max = 0;
        for (long s : scores) {
            max = Math.max(max, s);
        }
        if (max == 0) {
            if (reverse) {
                java.util.Arrays.fill(scores, maxPriority);
            }
            return Status.SUCCESS;
        }
        for (int i = 0; i < scores.length; i++) {
            long scaled = maxPriority * scores[i] / max;
            scores[i] = reverse ? maxPriority - scaled : scaled;
        }
        return Status.SUCCESS;
    }
}
