package org.tapegrad.autograd.functional;

import java.util.Arrays;
import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.ops.Kernels;

/**
 * Cross entropy of logits against class indices, PyTorch's {@code F.cross_entropy}, fused: the forward
 * computes the log-softmax over the class dimension straight from the NCHW layout (class stride, no
 * permute or copy; see {@link ClassDim}) together with the loss, keeping the softmax for backward;
 * the backward is one pass of {@code softmax − one-hot}, scaled.
 *
 * <h2>Shapes</h2>
 * logits (C), (N, C) or (N, C, d1, …, dk); target of the logits' shape without the class dimension,
 * holding class indices; weight (C) or null (all 1). A target of exactly the logits' shape holds class
 * probabilities instead ({@link SoftTargetCrossEntropy}). Output: 'none' the target's shape, else 0-d.
 *
 * <h2>Loss (SPEC §5.4, §5.5)</h2>
 * With {@code lp = logSoftmax(x)} per position p, target {@code y_p}, smoothing ε (ε ≤ 0 means none):
 * <pre>
 *   nll_p    = −w[y_p]·lp[p, y_p]          smooth_p = −Σ_c w_c·lp[p, c]          (both 0 where y_p is ignored)
 *   'none':  (1 − ε)·nll_p + (ε/C)·smooth_p
 *   'sum':   (1 − ε)·Σ nll + (ε/C)·Σ smooth
 *   'mean':  the sum's two terms each divided by D = Σ of w[y_p] over non-ignored positions (all ignored: NaN)
 * </pre>
 *
 * <h2>Gradient (SPEC §5.7)</h2>
 * With {@code P = softmax(x)} kept from forward, W = Σ_c w_c and s_p the reduction's scale (g/D for
 * 'mean', g for 'sum', g_p for 'none'):
 * <pre>
 *   dx[p, c] = s_p·[ (1 − ε)·w[y_p]·(P[p, c] − [c = y_p]) + (ε/C)·(P[p, c]·W − w_c) ]    (0 where ignored)
 * </pre>
 * The class weights receive no gradient (PyTorch does not implement one either).
 *
 * <p>Positions are independent: both passes work in blocks of up to {@link ClassDim#BLOCK} positions
 * of one image, split across {@link Parallelism} above {@link #PARALLEL_MIN_VALUES} logits per thread.
 * The loss is summed afterwards from the per-position terms, in order.
 */
final class CrossEntropy {
    private static final String OP = "crossEntropy";
    /** Logits a thread should get at least (an exponential each) before positions are split across threads. */
    static final int PARALLEL_MIN_VALUES = 1 << 14;

    private CrossEntropy() {
    }

    static Tensor apply(Tensor logits, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction,
            double labelSmoothing) {
        checkReduction(OP, reduction);
        if (!(labelSmoothing <= 1.0)) {
            throw new IllegalArgumentException(OP + ": label_smoothing must be between 0.0 and 1.0. Got: "
                    + labelSmoothing);
        }
        ClassDim dims = ClassDim.of(OP, logits.shape());
        double[] w = classWeights(OP, weight, logits, dims.classes);
        double eps = labelSmoothing > 0 ? labelSmoothing : 0.0;
        if (Arrays.equals(target.shape(), logits.shape())) {
            return SoftTargetCrossEntropy.apply(logits, target, w, ignoreIndex, reduction, eps, dims);
        }
        IndexTargets targets = IndexTargets.of(OP, dims, target, ignoreIndex);
        int positions = dims.positions();
        int classes = dims.classes;
        int inner = dims.inner;
        double[] x = Kernels.rowMajor(logits);
        boolean keep = Autograd.needsGrad(logits);
        double[] probs = keep ? new double[x.length] : null;
        double[] nll = new double[positions];
        double[] smooth = new double[positions];
        Blocks blocks = new Blocks(dims);
        Parallelism.parallelFor(0, blocks.count, blocks.minChunk(), (from, to) -> {
            double[] shift = new double[ClassDim.BLOCK];
            double[] logSum = new double[ClassDim.BLOCK];
            for (int block = from; block < to; block++) {
                int n = blocks.image(block);
                int s0 = blocks.first(block);
                int len = blocks.length(block);
                dims.logSoftmax(x, n, s0, len, shift, logSum, probs);
                for (int s = 0; s < len; s++) {
                    int p = n * inner + s0 + s;
                    int y = targets.classOf(p);
                    if (y < 0) {
                        continue;
                    }
                    int base = dims.base(n, s0 + s);
                    nll[p] = -w[y] * ((x[base + y * inner] - shift[s]) - logSum[s]);
                    if (eps > 0) {
                        double sm = 0;
                        for (int c = 0; c < classes; c++) {
                            sm -= w[c] * ((x[base + c * inner] - shift[s]) - logSum[s]);
                        }
                        smooth[p] = sm;
                    }
                }
            }
        });
        double totalWeight = targets.totalWeight(w);
        Tensor out = combine(reduction, nll, smooth, eps, classes, totalWeight, logits, target.shape());
        if (keep) {
            Autograd.record(out, new Node(OP, logits) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] gd = Kernels.rowMajor(g);
                    double[] dx = new double[probs.length];
                    double sumW = sum(w);
                    Parallelism.parallelFor(0, blocks.count, blocks.minChunk(), (from, to) -> {
                        for (int block = from; block < to; block++) {
                            int n = blocks.image(block);
                            int s0 = blocks.first(block);
                            for (int s = s0; s < s0 + blocks.length(block); s++) {
                                int p = n * inner + s;
                                int y = targets.classOf(p);
                                if (y < 0) {
                                    continue;
                                }
                                double scale = scale(reduction, gd, p, totalWeight);
                                double a = scale * (1 - eps) * w[y];
                                double b = scale * eps / classes;
                                int base = dims.base(n, s);
                                for (int c = 0, i = base; c < classes; c++, i += inner) {
                                    dx[i] = a * probs[i] + b * (probs[i] * sumW - w[c]);
                                }
                                dx[base + y * inner] -= a;
                            }
                        }
                    });
                    return new Tensor[] {Tensor.wrap(dx, logits.dtype(), logits.shape())};
                }
            });
        }
        return out;
    }

    /** The reduced loss {@code (1 − ε)·NLL + (ε/C)·S}, each term reduced alike (see the class documentation). */
    private static Tensor combine(Reduction reduction, double[] nll, double[] smooth, double eps, int classes,
            double totalWeight, Tensor logits, int[] positionShape) {
        if (reduction == Reduction.NONE) {
            double[] out = new double[nll.length];
            for (int p = 0; p < out.length; p++) {
                out[p] = eps > 0 ? (1 - eps) * nll[p] + eps / classes * smooth[p] : nll[p];
            }
            return Tensor.wrap(out, logits.dtype(), positionShape);
        }
        double nllSum = sum(nll);
        double smoothSum = sum(smooth);
        if (reduction == Reduction.MEAN) {
            nllSum /= totalWeight;
            smoothSum /= totalWeight;
        }
        double loss = eps > 0 ? (1 - eps) * nllSum + eps / classes * smoothSum : nllSum;
        return Tensor.scalar(loss, logits.dtype());
    }

    /** The gradient scale of position p: g_p for 'none', g for 'sum', g/D for 'mean'. */
    static double scale(Reduction reduction, double[] g, int p, double divisor) {
        switch (reduction) {
            case NONE:
                return g[p];
            case SUM:
                return g[0];
            default:
                return g[0] / divisor;
        }
    }

    static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    static void checkReduction(String op, Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(op + ": reduction must be NONE, MEAN or SUM, but got null");
        }
    }

    /**
     * The class weights as an array: a copy of {@code weight}, or all ones when it is null.
     *
     * @throws ShapeException           if weight is not 1-D of length C
     * @throws IllegalArgumentException if its dtype differs from the input's
     */
    static double[] classWeights(String op, Tensor weight, Tensor input, int classes) {
        if (weight == null) {
            double[] ones = new double[classes];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        if (weight.dim() != 1 || weight.size(0) != classes) {
            throw new ShapeException(op + ": weight tensor should be defined either for all " + classes
                    + " classes or no classes but got weight tensor of shape: " + Shapes.format(weight.shape())
                    + " (input of size " + Shapes.format(input.shape()) + ")");
        }
        Args.sameType(op, "input", input, "weight", weight);
        return weight.toDoubleArray();
    }

    /**
     * The units of work of both passes: each image's positions in blocks of up to {@link ClassDim#BLOCK},
     * numbered image by image. This class is immutable.
     */
    private static final class Blocks {
        final int perImage;
        final int count;
        final int inner;
        final int classes;

        Blocks(ClassDim dims) {
            this.inner = dims.inner;
            this.classes = dims.classes;
            this.perImage = Args.ceilDiv(inner, ClassDim.BLOCK);
            this.count = dims.outer * perImage;
        }

        int image(int block) {
            return block / perImage;
        }

        int first(int block) {
            return block % perImage * ClassDim.BLOCK;
        }

        int length(int block) {
            return Math.min(ClassDim.BLOCK, inner - first(block));
        }

        /** Blocks per thread so that each thread gets at least {@link #PARALLEL_MIN_VALUES} logits. */
        int minChunk() {
            long perBlock = (long) Math.min(ClassDim.BLOCK, inner) * Math.max(1, classes);
            return (int) Math.max(1, PARALLEL_MIN_VALUES / Math.max(1, perBlock));
        }
    }
}
