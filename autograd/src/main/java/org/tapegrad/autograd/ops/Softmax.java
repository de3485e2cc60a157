package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Exp;

/**
 * Softmax and log-softmax along one dimension, computed stably by subtracting the maximum first:
 * <pre>
 *   logSoftmax(x)_i = x_i − m − ln Σ_j exp(x_j − m),   m = max_j x_j
 *   softmax(x)_i    = exp(logSoftmax(x)_i)
 * </pre>
 * Backward, with {@code y} the output and sums taken along the dimension:
 * <pre>
 *   softmax:     dx = y · (g − Σ g·y)
 *   logSoftmax:  dx = g − exp(y) · Σ g
 * </pre>
 * Shapes: input any shape with at least one dimension (a 0-d input is treated as one element); output
 * the same shape. The exponentials are {@link Exp#exp} (within 1 ulp, as {@link Math#exp}), which the JIT
 * inlines into the loops.
 */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor softmax(Tensor x, int dim) {
        return compute("softmax", x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return compute("logSoftmax", x, dim, true);
    }

    private static Tensor compute(String op, Tensor x, int dim, boolean log) {
        Layout l = new Layout(op, x.shape(), dim);
        double[] in = Kernels.rowMajor(x);
        double[] out = new double[in.length];
        for (int o = 0; o < l.outer; o++) {
            for (int i = 0; i < l.inner; i++) {
                int base = o * l.size * l.inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < l.size; k++) {
                    max = Math.max(max, in[base + k * l.inner]);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    max = 0; // all −∞: keep (−∞) − (−∞) from producing NaN in the shift
                }
                double sum = 0;
                for (int k = 0; k < l.size; k++) {
                    sum += Exp.exp(in[base + k * l.inner] - max);
                }
                double logSum = Math.log(sum);
                for (int k = 0; k < l.size; k++) {
                    int j = base + k * l.inner;
                    double shifted = in[j] - max;
                    out[j] = log ? shifted - logSum : Exp.exp(shifted) / sum;
                }
            }
        }
        Tensor result = Tensor.wrap(out, x.dtype(), x.shape());
        if (Autograd.needsGrad(x)) {
            Autograd.record(result, new Node(op, x) {
                final SavedTensor savedOut = save(result);

                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] y = savedOut.get().storageArray();
                    double[] gd = Kernels.rowMajor(g);
                    double[] dx = new double[y.length];
                    for (int o = 0; o < l.outer; o++) {
                        for (int i = 0; i < l.inner; i++) {
                            int base = o * l.size * l.inner + i;
                            double s = 0;
                            for (int k = 0; k < l.size; k++) {
                                int j = base + k * l.inner;
                                s += log ? gd[j] : gd[j] * y[j];
                            }
                            for (int k = 0; k < l.size; k++) {
                                int j = base + k * l.inner;
                                dx[j] = log ? gd[j] - Exp.exp(y[j]) * s : y[j] * (gd[j] - s);
                            }
                        }
                    }
                    return new Tensor[] {Tensor.wrap(dx, x.dtype(), x.shape())};
                }
            });
        }
        return result;
    }

    /** A row-major tensor seen as (outer, size, inner) around the softmax dimension. */
    private static final class Layout {
        final int outer;
        final int size;
        final int inner;

        Layout(String op, int[] shape, int dim) {
            int d = Shapes.normalizeDim(op, dim, shape.length);
            int o = 1;
            int in = 1;
            for (int i = 0; i < shape.length; i++) {
                if (i < d) {
                    o *= shape[i];
                } else if (i > d) {
                    in *= shape[i];
                }
            }
            outer = o;
            size = shape.length == 0 ? 1 : shape[d];
            inner = in;
        }
    }
}
