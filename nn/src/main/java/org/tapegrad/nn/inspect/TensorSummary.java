package org.tapegrad.nn.inspect;

import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;

/**
 * The few numbers the inspector keeps of a tensor (an activation, a weight, a gradient), computed in double
 * over every element.
 *
 * <ul>
 *   <li>{@code mean = Σx/n}; {@code std = √(Σ(x − mean)²/n)}, the population standard deviation (PyTorch's
 *       {@code x.std()} divides by n − 1 instead; for the layer sizes inspected the difference is negligible,
 *       and a single element gets std 0 rather than NaN)</li>
 *   <li>{@code norm = √Σx²}, the Euclidean (Frobenius) norm</li>
 *   <li>{@code zeroCount}: elements exactly equal to 0.0 (−0.0 counts; there is no tolerance)</li>
 *   <li>{@code nonFiniteCount}: elements that are ±Infinity or NaN. When there are any, mean, std and norm
 *       are not finite either: a tensor that overflowed has no meaningful scale</li>
 * </ul>
 * For an empty tensor mean, std, min, max and maxAbs are NaN and the fractions are 0. This class is immutable.
 *
 * @param numel          the number of elements
 * @param mean           the mean
 * @param std            the population standard deviation
 * @param min            the smallest element (NaN if any element is NaN)
 * @param max            the largest element (NaN if any element is NaN)
 * @param maxAbs         the largest absolute value (NaN if any element is NaN)
 * @param norm           the Euclidean norm
 * @param zeroCount      how many elements are exactly 0
 * @param nonFiniteCount how many elements are ±Infinity or NaN
 */
public record TensorSummary(long numel, double mean, double std, double min, double max, double maxAbs, double norm,
        long zeroCount, long nonFiniteCount) {

    /**
     * Summarises {@code tensor}.
     *
     * @param tensor not modified
     */
    public static TensorSummary of(Tensor tensor) {
        return of(Kernels.rowMajor(tensor));
    }

    /**
     * Summarises the values of {@code data}.
     *
     * @param data not modified
     */
    public static TensorSummary of(double[] data) {
        int n = data.length;
        if (n == 0) {
            return new TensorSummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0.0, 0, 0);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long zeros = 0;
        long nonFinite = 0;
        boolean sawNaN = false;
        for (double x : data) {
            if (x == 0.0) {
                zeros++;
            } else if (!Double.isFinite(x)) {
                nonFinite++;
                sawNaN |= Double.isNaN(x);
            }
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double maxAbs = sawNaN ? Double.NaN : Math.max(Math.abs(min), Math.abs(max));
        // Sums of values divided by maxAbs: x² of a finite float64 near 1e200 would overflow.
        double scale = Double.isFinite(maxAbs) && maxAbs > 0 ? maxAbs : 1.0;
        double sum = 0.0;
        double sumSquares = 0.0;
        for (double x : data) {
            double s = x / scale;
            sum += s;
            sumSquares += s * s;
        }
        double scaledMean = sum / n;
        // Deviations from the mean in a second pass, so that a large mean does not swamp a small spread.
        double squaredDeviations = 0.0;
        for (double x : data) {
            double d = x / scale - scaledMean;
            squaredDeviations += d * d;
        }
        double mean = scale * scaledMean;
        double std = scale * Math.sqrt(squaredDeviations / n);
        double norm = scale * Math.sqrt(sumSquares);
        return new TensorSummary(n, mean, std, min, max, maxAbs, norm, zeros, nonFinite);
    }

    /** The fraction of elements that are exactly 0, in [0, 1] (0 for an empty tensor). */
    public double zeroFraction() {
        return numel == 0 ? 0.0 : (double) zeroCount / numel;
    }

    /** Whether there is at least one element and every element is exactly 0. */
    public boolean allZero() {
        return numel > 0 && zeroCount == numel;
    }

    /** Whether every element is finite (no ±Infinity, no NaN). */
    public boolean allFinite() {
        return nonFiniteCount == 0;
    }
}
