package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;

/**
 * Negative log-likelihood of log-probabilities against class indices, PyTorch's {@code F.nll_loss}.
 *
 * <p>Shapes as for {@link CrossEntropy}: input (C), (N, C) or (N, C, d1, …, dk), target of the input's
 * shape without the class dimension, weight (C) or null.
 * <pre>
 *   l_p = −w[y_p]·lp[p, y_p]   (0 where y_p is ignored)
 *   'none': l_p    'sum': Σ l_p    'mean': Σ l_p / D,  D = Σ of w[y_p] over non-ignored positions
 *   d lp[p, c] = −s_p·w[y_p]·[c = y_p]      (s_p: g_p, g, or g/D)
 * </pre>
 */
final class NllLoss {
    private static final String OP = "nllLoss";

    private NllLoss() {
    }

    static Tensor apply(Tensor input, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        CrossEntropy.checkReduction(OP, reduction);
        ClassDim dims = ClassDim.of(OP, input.shape());
        double[] w = CrossEntropy.classWeights(OP, weight, input, dims.classes);
        IndexTargets targets = IndexTargets.of(OP, dims, target, ignoreIndex);
        double[] lp = Kernels.rowMajor(input);
        int positions = dims.positions();
        double[] loss = new double[positions];
        for (int n = 0; n < dims.outer; n++) {
            for (int s = 0; s < dims.inner; s++) {
                int p = n * dims.inner + s;
                int y = targets.classOf(p);
                if (y >= 0) {
                    loss[p] = -w[y] * lp[dims.base(n, s) + y * dims.inner];
                }
            }
        }
        double totalWeight = targets.totalWeight(w);
        Tensor out;
        if (reduction == Reduction.NONE) {
            out = Tensor.wrap(loss, input.dtype(), target.shape());
        } else {
            double total = CrossEntropy.sum(loss);
            out = Tensor.scalar(reduction == Reduction.MEAN ? total / totalWeight : total, input.dtype());
        }
        if (Autograd.needsGrad(input)) {
            Autograd.record(out, new Node(OP, input) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] gd = Kernels.rowMajor(g);
                    double[] dlp = new double[input.numel()];
                    for (int n = 0; n < dims.outer; n++) {
                        for (int s = 0; s < dims.inner; s++) {
                            int p = n * dims.inner + s;
                            int y = targets.classOf(p);
                            if (y >= 0) {
                                dlp[dims.base(n, s) + y * dims.inner] =
                                        -CrossEntropy.scale(reduction, gd, p, totalWeight) * w[y];
                            }
                        }
                    }
                    return new Tensor[] {Tensor.wrap(dlp, input.dtype(), input.shape())};
                }
            });
        }
        return out;
    }
}
