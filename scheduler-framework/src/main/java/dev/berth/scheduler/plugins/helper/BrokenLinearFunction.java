package dev.berth.scheduler.plugins.helper;

import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * A piecewise-linear function through a list of points sorted by utilization, as kube-scheduler's
 * {@code helper.BuildBrokenLinearFunction}: flat at the first point's score below it, flat at the last
 * point's score above it, and linear between neighbouring points, in integer arithmetic (the division
 * truncates toward zero).
 *
 * <p>Used by the RequestedToCapacityRatio scoring strategy to map a utilization percentage to a score.
 */
public final class BrokenLinearFunction implements LongUnaryOperator {
    /** One corner of the function: at {@code utilization} the value is {@code score}. */
    public record Point(long utilization, long score) {}

    private final List<Point> shape;

    private BrokenLinearFunction(List<Point> shape) {
        this.shape = shape;
    }

    /**
     * A function through these points.
     *
     * @param shape at least one point, utilizations strictly increasing (callers validate this)
     * @throws IllegalArgumentException when the shape is empty
     */
    public static BrokenLinearFunction of(List<Point> shape) {
        if (shape == null || shape.isEmpty()) {
            throw new IllegalArgumentException("a broken linear function needs at least one point");
        }
        return new BrokenLinearFunction(List.copyOf(shape));
    }

    public List<Point> shape() {
        return shape;
    }

    @Override
    public long applyAsLong(long p) {
        for (int i = 0; i < shape.size(); i++) {
            Point cur = shape.get(i);
            if (p <= cur.utilization()) {
                if (i == 0) {
                    return cur.score();
                }
                Point prev = shape.get(i - 1);
                return prev.score() + (cur.score() - prev.score()) * (p - prev.utilization())
                        / (cur.utilization() - prev.utilization());
            }
        }
        return shape.getLast().score();
    }

    @Override
    public String toString() {
        return "BrokenLinearFunction" + shape;
    }
}
