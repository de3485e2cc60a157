package org.tapegrad.init;

import java.lang.System.Logger.Level;
import org.apache.commons.math3.special.Erf;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * {@code torch.nn.init.trunc_normal_(tensor, mean, std, a, b)}: N(mean, std²) restricted to [a, b] by the
 * inverse CDF, one uniform draw per element and <em>no rejection sampling</em> (SPEC §1.5):
 *
 * <pre>
 *   Φ(x) = (1 + erf(x/√2)) / 2
 *   l = Φ((a − mean)/std),  u = Φ((b − mean)/std)           in double
 *   v ~ U(2l − 1, 2u − 1)                                    bounds rounded to the dtype
 *   v = erfinv(v) · (std·√2) + mean                          each step rounded to the dtype
 *   v = clamp(v, a, b)
 * </pre>
 *
 * If U is uniform on (2l−1, 2u−1) then erfinv(U)·√2 is a standard normal conditioned on
 * [(a−mean)/std, (b−mean)/std]; the clamp only removes rounding overshoot. Two traps: a and b are
 * <b>absolute</b> cut-offs, not multiples of std (the defaults ±2 mean "no truncation" for std = 0.02), and
 * the result has the smaller standard deviation of the truncated distribution: PyTorch applies no
 * correction like Keras' 0.8796 (see {@link VarianceScaling}). Keras-style ±2σ truncation is
 * {@code truncNormal_(t, 0, σ, −2σ, 2σ)}.
 *
 * <p>A mean more than 2·std outside [a, b] logs PyTorch's warning and carries on.
 */
final class TruncatedNormal {
    private TruncatedNormal() {
    }

    /** Φ, the standard normal CDF, as PyTorch's {@code norm_cdf}. */
    static double normCdf(double x) {
        return (1.0 + Erf.erf(x / Math.sqrt(2.0))) / 2.0;
    }

    /**
     * Fills {@code tensor}; returns it.
     *
     * @throws IllegalArgumentException if mean or std is not finite, std ≤ 0 (PyTorch divides by it), a or b
     *         is NaN, or a &gt; b
     */
    static Tensor fill(Tensor tensor, double mean, double std, double a, double b, Generator generator) {
        String op = "truncNormal_";
        String where = " (tensor of shape " + Shapes.format(tensor.shape()) + ")";
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException(op + ": expects a finite mean, but found mean " + mean + where);
        }
        if (!(std > 0.0) || std == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(op + ": expects a finite std > 0.0, but found std " + std + where);
        }
        if (!(a <= b)) {
            throw new IllegalArgumentException(op + ": expects bounds a <= b, but found a=" + a + " and b=" + b
                    + where);
        }
        if (mean < a - 2 * std || mean > b + 2 * std) {
            Fill.LOG.log(Level.WARNING, "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                    + "The distribution of values may be incorrect.");
        }
        DType dtype = tensor.dtype();
        double l = normCdf((a - mean) / std);
        double u = normCdf((b - mean) / std);
        double[] v = Fill.uniform(tensor.numel(), 2 * l - 1, 2 * u - 1, dtype, generator);
        double scale = dtype.round(std * Math.sqrt(2.0));
        double shift = dtype.round(mean);
        double lo = dtype.round(a);
        double hi = dtype.round(b);
        for (int i = 0; i < v.length; i++) {
            double x = dtype.round(Erf.erfInv(v[i]));
            x = dtype.round(dtype.round(x * scale) + shift);
            v[i] = Math.min(Math.max(x, lo), hi);
        }
        return Fill.write(tensor, v);
    }
}
