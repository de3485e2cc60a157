package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;

/**
 * Cross entropy against class probabilities (SPEC §5.6): the target has the logits' shape and holds,
 * per position, a distribution over the C classes (not validated, as in PyTorch).
 * <pre>
 *   t' = (1 − ε)·t + ε/C   (t' = t when ε ≤ 0)          l_p = −Σ_c w_c·t'[p, c]·lp[p, c]
 *   'none': l_p (the logits' shape without the class dimension)   'sum': Σ l_p
 *   'mean': Σ l_p / (number of positions), whatever the weights
 * </pre>
 * Gradients, with P = softmax(x) and s_p the reduction's scale:
 * <pre>
 *   dx[p, c] = s_p·( P[p, c]·Σ_k w_k·t'[p, k] − w_c·t'[p, c] )
 *   dt[p, c] = −s_p·(1 − ε)·w_c·lp[p, c]
 * </pre>
 */
final class SoftTargetCrossEntropy {
    private static final String OP = "crossEntropy";

    private SoftTargetCrossEntropy() {
    }

    /**
     * @param w   class weights (all ones when none were given); not modified
     * @param eps label smoothing, already clamped to [0, 1]
     */
    static Tensor apply(Tensor logits, Tensor target, double[] w, int ignoreIndex, Reduction reduction, double eps,
            ClassDim dims) {
        if (ignoreIndex >= 0) {
            throw new IllegalArgumentException(OP + ": ignore_index is not supported for floating point target (got "
                    + "ignoreIndex " + ignoreIndex + " with a target of the input's size "
                    + Shapes.format(logits.shape()) + ", read as class probabilities)");
        }
        Args.sameType(OP, "input", logits, "target", target);
        int positions = dims.positions();
        int classes = dims.classes;
        int inner = dims.inner;
        double[] x = Kernels.rowMajor(logits);
        double[] t = Kernels.rowMajor(target);
        boolean keepProbs = Autograd.needsGrad(logits);
        boolean keepLogProbs = Autograd.needsGrad(target);
        double[] probs = keepProbs ? new double[x.length] : null;
        double[] logProbs = keepLogProbs ? new double[x.length] : null;
        double[] shift = new double[ClassDim.BLOCK];
        double[] logSum = new double[ClassDim.BLOCK];
        double[] loss = new double[positions];
        for (int n = 0; n < dims.outer; n++) {
            for (int s0 = 0; s0 < inner; s0 += ClassDim.BLOCK) {
                int len = Math.min(ClassDim.BLOCK, inner - s0);
                dims.logSoftmax(x, n, s0, len, shift, logSum, probs);
                for (int s = 0; s < len; s++) {
                    double l = 0;
                    for (int c = 0, i = dims.base(n, s0 + s); c < classes; c++, i += inner) {
                        double lp = (x[i] - shift[s]) - logSum[s];
                        l -= w[c] * smoothed(t[i], eps, classes) * lp;
                        if (logProbs != null) {
                            logProbs[i] = lp;
                        }
                    }
                    loss[n * inner + s0 + s] = l;
                }
            }
        }
        Tensor out;
        if (reduction == Reduction.NONE) {
            out = Tensor.wrap(loss, logits.dtype(), dims.positionShape());
        } else {
            double total = CrossEntropy.sum(loss);
            out = Tensor.scalar(reduction == Reduction.MEAN ? total / positions : total, logits.dtype());
        }
        if (keepProbs || keepLogProbs) {
            Autograd.record(out, new Node(OP, logits, target) {
                final SavedTensor savedTarget = keepProbs ? save(target) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] gd = Kernels.rowMajor(g);
                    double[] dx = probs == null ? null : new double[probs.length];
                    double[] dt = logProbs == null ? null : new double[logProbs.length];
                    double[] ts = savedTarget == null ? null : Kernels.rowMajor(savedTarget.get());
                    for (int n = 0; n < dims.outer; n++) {
                        for (int s = 0; s < inner; s++) {
                            int p = n * inner + s;
                            double scale = CrossEntropy.scale(reduction, gd, p, positions);
                            int base = dims.base(n, s);
                            if (dx != null) {
                                double weightedMass = 0;
                                for (int c = 0, i = base; c < classes; c++, i += inner) {
                                    weightedMass += w[c] * smoothed(ts[i], eps, classes);
                                }
                                for (int c = 0, i = base; c < classes; c++, i += inner) {
                                    dx[i] = scale * (probs[i] * weightedMass - w[c] * smoothed(ts[i], eps, classes));
                                }
                            }
                            if (dt != null) {
                                for (int c = 0, i = base; c < classes; c++, i += inner) {
                                    dt[i] = -scale * (1 - eps) * w[c] * logProbs[i];
                                }
                            }
                        }
                    }
                    return new Tensor[] {
                        dx == null ? null : Tensor.wrap(dx, logits.dtype(), logits.shape()),
                        dt == null ? null : Tensor.wrap(dt, target.dtype(), target.shape())};
                }
            });
        }
        return out;
    }

    private static double smoothed(double t, double eps, int classes) {
        return eps > 0 ? t * (1 - eps) + eps / classes : t;
    }
}
