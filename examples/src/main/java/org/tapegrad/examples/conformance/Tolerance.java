package org.tapegrad.examples.conformance;

/**
 * An element-wise tolerance: {@code |actual − expected| ≤ atol + rtol·|expected|}. The constants are
 * those of the reference cases' README.
 */
public record Tolerance(double rtol, double atol) {
    /** Single float64 operations. */
    public static final Tolerance FLOAT64 = new Tolerance(1e-7, 1e-9);
    /** Multi-step float64 trajectories (training runs), where rounding differences compound. */
    public static final Tolerance TRAJECTORY = new Tolerance(1e-6, 1e-8);
    /** float32 computations. */
    public static final Tolerance FLOAT32 = new Tolerance(1e-4, 1e-5);
    /** Values PyTorch itself leaves at rounding-noise level (around 1e-8): they carry no information. */
    public static final Tolerance ROUNDING_NOISE = new Tolerance(0, 1e-6);

    public Tolerance {
        if (!(rtol >= 0) || !(atol >= 0)) {
            throw new IllegalArgumentException("tolerance: rtol and atol must be non-negative, got rtol " + rtol
                    + ", atol " + atol);
        }
    }

    /** Whether {@code actual} is within tolerance of {@code expected}; NaN matches NaN, infinities match exactly. */
    public boolean accepts(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            return Double.compare(expected, actual) == 0;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
