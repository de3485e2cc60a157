package org.tapegrad.nn.theorems;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.nn.optim.SGD;

/**
 * What the theorem properties share: an SGD schedule, random tensors, exact-zero checks and the weight
 * gradients of Linear and Conv2d written as explicit loops (independent of the library's matmul and im2col).
 */
final class TheoremSupport {
    private TheoremSupport() {
    }

    /**
     * How a network is trained: {@code steps} SGD steps with learning rate {@code lr} and momentum
     * {@code momentum} (0 for none; Nesterov only with a momentum); gradients are either zeroed before each
     * step or left to accumulate across steps (as the seed's script does). This class is immutable.
     */
    record SgdSchedule(int steps, boolean zeroGradients, double lr, double momentum, boolean nesterov) {
        SGD.Options options() {
            return new SGD.Options(lr, momentum, 0, 0, nesterov && momentum > 0, false);
        }

        /** Steps 1..maxSteps, lr in [1e-3, 1], momentum 0 (a third of the time) or in [0.1, 0.95]. */
        static Arbitrary<SgdSchedule> upTo(int maxSteps) {
            Arbitrary<Double> momentum = Arbitraries.oneOf(Arbitraries.just(0.0),
                    Arbitraries.doubles().between(0.1, 0.95).ofScale(3));
            return Combinators.combine(Arbitraries.integers().between(1, maxSteps), Arbitraries.of(true, false),
                    Arbitraries.doubles().between(1e-3, 1.0).ofScale(4), momentum, Arbitraries.of(true, false))
                    .as(SgdSchedule::new);
        }
    }

    static Arbitrary<DType> dtypes() {
        return Arbitraries.of(DType.FLOAT32, DType.FLOAT64);
    }

    static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(1, Long.MAX_VALUE / 2);
    }

    /** Values uniform in ±[0.1, 1] with a random sign: bounded away from zero (and from ReLU's kink). */
    static Tensor nonZero(Generator gen, DType dtype, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            double magnitude = 0.1 + 0.9 * gen.nextDouble();
            data[i] = gen.nextDouble() < 0.5 ? -magnitude : magnitude;
        }
        return Tensor.wrap(data, dtype, shape);
    }

    /** The unit roundoff u of the dtype's arithmetic: 2⁻²⁴ for float32, 2⁻⁵³ for float64. */
    static double unitRoundoff(DType dtype) {
        return dtype == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
    }

    /** The flat (row-major) index of the first element that is not exactly 0.0 (NaN counts), or −1. */
    static int firstNonZero(Tensor t) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] == 0.0)) {
                return i;
            }
        }
        return -1;
    }

    /** Adds to {@code violations} a line if {@code t} is null or not exactly 0.0 everywhere. */
    static void requireAllZero(List<String> violations, String what, Tensor t) {
        requireAll(violations, what, t, 0.0);
    }

    /** Adds to {@code violations} a line if {@code t} is null or not exactly {@code value} everywhere. */
    static void requireAll(List<String> violations, String what, Tensor t, double value) {
        if (t == null) {
            violations.add(what + " is null");
            return;
        }
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] == value)) {
                violations.add(what + " is not exactly " + value + ": element " + i + " is " + v[i]);
                return;
            }
        }
    }

    /**
     * An exact sum Σ tᵢ computed in double, with Σ|tᵢ| and the number of terms: enough to bound the
     * error of any evaluation order (see {@link #summationBound}).
     */
    record Sums(double[] value, double[] absolute, int terms) {
    }

    /**
     * The weight gradient of {@code y = x·Wᵀ} for upstream gradient g, by explicit loops:
     * {@code dW[o, i] = Σ_n g[n, o]·x[n, i]}.
     *
     * @param x (batch, in), row-major
     * @param g (batch, out), row-major
     * @return (out, in), row-major
     */
    static Sums linearWeightGradient(double[] x, double[] g, int batch, int in, int out) {
        double[] value = new double[out * in];
        double[] absolute = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double s = 0;
                double a = 0;
                for (int n = 0; n < batch; n++) {
                    double t = g[n * out + o] * x[n * in + i];
                    s += t;
                    a += Math.abs(t);
                }
                value[o * in + i] = s;
                absolute[o * in + i] = a;
            }
        }
        return new Sums(value, absolute, batch);
    }

    /**
     * The weight gradient of a stride-1, dilation-1, one-group convolution with zero padding p, by explicit
     * loops: the correlation of the padded input and the upstream gradient,
     * {@code dW[o, c, i, j] = Σ_n Σ_y Σ_x g[n, o, y, x]·xpad[n, c, y + i, x + j]}.
     *
     * @param x (batch, cin, h, w), row-major
     * @param g (batch, cout, h + 2p − k + 1, w + 2p − k + 1), row-major
     * @return (cout, cin, k, k), row-major
     */
    static Sums conv2dWeightGradient(double[] x, double[] g, int batch, int cin, int h, int w, int cout, int k,
            int p) {
        int ho = h + 2 * p - k + 1;
        int wo = w + 2 * p - k + 1;
        double[] value = new double[cout * cin * k * k];
        double[] absolute = new double[value.length];
        for (int o = 0; o < cout; o++) {
            for (int c = 0; c < cin; c++) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        double s = 0;
                        double a = 0;
                        for (int n = 0; n < batch; n++) {
                            for (int yy = 0; yy < ho; yy++) {
                                int row = yy + i - p; // row of xpad minus the padding: a row of x, or outside
                                if (row < 0 || row >= h) {
                                    continue;
                                }
                                for (int xx = 0; xx < wo; xx++) {
                                    int col = xx + j - p;
                                    if (col < 0 || col >= w) {
                                        continue;
                                    }
                                    double t = g[((n * cout + o) * ho + yy) * wo + xx]
                                            * x[((n * cin + c) * h + row) * w + col];
                                    s += t;
                                    a += Math.abs(t);
                                }
                            }
                        }
                        int index = ((o * cin + c) * k + i) * k + j;
                        value[index] = s;
                        absolute[index] = a;
                    }
                }
            }
        }
        return new Sums(value, absolute, batch * ho * wo);
    }

    /**
     * The most a sum of K products may differ from the loop reference: any evaluation order of a sum of K
     * terms, each product and addition rounded with unit roundoff u, is within γ_K·Σ|tᵢ| ≤ 1.01·K·u·Σ|tᵢ|
     * of the exact sum (Higham, Accuracy and Stability, §3.1); the reference itself is a float64 sum of the
     * same terms, within K·2⁻⁵³·Σ|tᵢ|; one more u covers rounding the result to the dtype. So
     * {@code (2K + 2)·u·Σ|tᵢ|}, plus the smallest normal double for sums that are exactly 0.
     */
    static double summationBound(DType dtype, int terms, double absoluteSum) {
        return (2.0 * terms + 2) * unitRoundoff(dtype) * absoluteSum + Double.MIN_NORMAL;
    }
}
