package org.tapegrad.autograd.functional;

import java.util.Arrays;
import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
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
 * The forward adds up each block's terms (and its share of D) in position order, then the blocks in
 * order, so the loss does not depend on the number of threads; 'none' keeps the per-position terms. The
 * backward works class row by class row within a block (unit stride, which the JIT vectorises) and
 * rounds each row to the logits' dtype while it is in cache.
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
        double[] x = Kernels.rowMajor(logits);
        boolean keep = Autograd.needsGrad(logits);
        double[] probs = keep ? new double[x.length] : null;
        Blocks blocks = new Blocks(dims);
        // per position for 'none'; per block otherwise, summed in block order below
        boolean perPosition = reduction == Reduction.NONE;
        double[] nll = new double[perPosition ? dims.positions() : blocks.count];
        double[] smooth = eps > 0 ? new double[nll.length] : null;
        double[] blockWeight = new double[blocks.count];
        Parallelism.parallelFor(0, blocks.count, blocks.minChunk(), (from, to) -> {
            double[] shift = new double[ClassDim.BLOCK];
            double[] logSum = new double[ClassDim.BLOCK];
            for (int block = from; block < to; block++) {
                forwardBlock(dims, blocks, block, x, targets, w, eps, perPosition, shift, logSum, probs, nll, smooth,
                        blockWeight);
            }
        });
        double totalWeight = sum(blockWeight);
        Tensor out = combine(reduction, nll, smooth, eps, dims.classes, totalWeight, logits, target.shape());
        if (keep) {
            Autograd.record(out, new Node(OP, logits) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] gd = Kernels.rowMajor(g);
                    double[] dx = new double[probs.length];
                    double sumW = sum(w);
                    Parallelism.parallelFor(0, blocks.count, blocks.minChunk(), (from, to) -> {
                        double[] a = new double[ClassDim.BLOCK];
                        double[] b = new double[ClassDim.BLOCK];
                        for (int block = from; block < to; block++) {
                            backwardBlock(dims, blocks, block, probs, targets, w, sumW, eps, reduction, gd,
                                    totalWeight, a, b, dx, logits.dtype());
                        }
                    });
                    return new Tensor[] {Tensor.wrapExact(dx, logits.dtype(), logits.shape())};
                }
            });
        }
        return out;
    }

    /**
     * The forward pass over one block of positions: the log-softmax (and the softmax into {@code probs}
     * when not null), then per kept position {@code nll_p} and {@code smooth_p}, stored per position or
     * added up for the block; {@code blockWeight[block]} receives the block's share of D.
     */
    private static void forwardBlock(ClassDim dims, Blocks blocks, int block, double[] x, IndexTargets targets,
            double[] w, double eps, boolean perPosition, double[] shift, double[] logSum, double[] probs,
            double[] nll, double[] smooth, double[] blockWeight) {
        int n = blocks.image(block);
        int s0 = blocks.first(block);
        int len = blocks.length(block);
        int inner = dims.inner;
        dims.logSoftmax(x, n, s0, len, shift, logSum, probs);
        double nllSum = 0;
        double smoothSum = 0;
        double weight = 0;
        int p0 = n * inner + s0;
        int base = dims.base(n, s0);
        for (int s = 0; s < len; s++) {
            int y = targets.classOf(p0 + s);
            if (y < 0) {
                continue;
            }
            double l = -w[y] * ((x[base + s + y * inner] - shift[s]) - logSum[s]);
            double sm = 0;
            if (smooth != null) {
                for (int c = 0, i = base + s; c < dims.classes; c++, i += inner) {
                    sm -= w[c] * ((x[i] - shift[s]) - logSum[s]);
                }
            }
            if (perPosition) {
                nll[p0 + s] = l;
                if (smooth != null) {
                    smooth[p0 + s] = sm;
                }
            }
            nllSum += l;
            smoothSum += sm;
            weight += w[y];
        }
        if (!perPosition) {
            nll[block] = nllSum;
            if (smooth != null) {
                smooth[block] = smoothSum;
            }
        }
        blockWeight[block] = weight;
    }

    /**
     * dx over one block of positions, rounded to {@code type}: per position the coefficients
     * {@code a = s_p·(1 − ε)·w[y_p]} and {@code b = s_p·ε/C} (both 0 where ignored), then class row by class
     * row {@code dx = a·P + b·(P·W − w_c)}, then {@code −a} at the target class.
     *
     * @param a scratch of at least {@link ClassDim#BLOCK} values
     * @param b scratch of at least {@link ClassDim#BLOCK} values
     */
    private static void backwardBlock(ClassDim dims, Blocks blocks, int block, double[] probs, IndexTargets targets,
            double[] w, double sumW, double eps, Reduction reduction, double[] g, double totalWeight, double[] a,
            double[] b, double[] dx, DType type) {
        int n = blocks.image(block);
        int s0 = blocks.first(block);
        int len = blocks.length(block);
        int inner = dims.inner;
        int classes = dims.classes;
        int p0 = n * inner + s0;
        int base = dims.base(n, s0);
        for (int s = 0; s < len; s++) {
            int y = targets.classOf(p0 + s);
            double scale = y < 0 ? 0.0 : scale(reduction, g, p0 + s, totalWeight);
            a[s] = y < 0 ? 0.0 : scale * (1 - eps) * w[y];
            b[s] = scale * eps / classes;
        }
        for (int c = 0; c < classes; c++) {
            int row = base + c * inner;
            if (eps > 0) {
                double wc = w[c];
                for (int s = 0; s < len; s++) {
                    double pr = probs[row + s];
                    dx[row + s] = a[s] * pr + b[s] * (pr * sumW - wc);
                }
            } else {
                for (int s = 0; s < len; s++) {
                    dx[row + s] = a[s] * probs[row + s];
                }
            }
        }
        for (int s = 0; s < len; s++) {
            int y = targets.classOf(p0 + s);
            if (y >= 0) {
                dx[base + s + y * inner] -= a[s];
            } else {
                // exactly 0, even where the softmax is not finite
                for (int c = 0, i = base + s; c < classes; c++, i += inner) {
                    dx[i] = 0.0;
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            int row = base + c * inner;
            Kernels.round(type, dx, row, row + len);
        }
    }

    /**
     * The reduced loss {@code (1 − ε)·NLL + (ε/C)·S}, each term reduced alike (see the class documentation).
     *
     * @param nll    per position for 'none' (then modified: becomes the output), else per block
     * @param smooth like nll, or null when ε = 0
     */
    private static Tensor combine(Reduction reduction, double[] nll, double[] smooth, double eps, int classes,
            double totalWeight, Tensor logits, int[] positionShape) {
        if (reduction == Reduction.NONE) {
            if (smooth != null) {
                for (int p = 0; p < nll.length; p++) {
                    nll[p] = (1 - eps) * nll[p] + eps / classes * smooth[p];
                }
            }
            return Tensor.wrap(nll, logits.dtype(), positionShape);
        }
        double nllSum = sum(nll);
        double smoothSum = smooth == null ? 0.0 : sum(smooth);
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
