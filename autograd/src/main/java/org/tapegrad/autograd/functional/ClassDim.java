package org.tapegrad.autograd.functional;

import java.util.Arrays;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.kernel.Exp;

/**
 * Logits of shape (C), (N, C) or (N, C, d1, …, dk) seen as {@code outer × C × inner} around the class
 * dimension (dimension 0 for 1-D logits, else 1), without moving any data. A <em>position</em> is one
 * (n, d1, …, dk), numbered {@code p = n·inner + s}; its C logits lie at {@code base(n, s) + c·inner}:
 * the class stride is {@code inner}. For the conv seed's (1, 3, 224, 224) logits that is 50,176
 * positions of 3 classes each, read straight from the NCHW layout.
 *
 * <p>The log-softmax is computed for a {@linkplain #BLOCK block} of consecutive positions at a time,
 * class by class, so that every loop walks memory with unit stride and the exponentials of different
 * positions are independent (a per-position loop would chain max → exp → sum → log for each position
 * and wait on every step). The exponentials are {@link Exp#exp}, which inlines into the loop, rather than
 * {@link Math#exp}, a call that the loop would wait on; both are within 1 ulp.
 *
 * <p>This class is immutable.
 */
final class ClassDim {
    final int[] logitsShape;
    final int outer;
    final int classes;
    final int inner;

    private ClassDim(int[] shape) {
        this.logitsShape = shape.clone();
        this.outer = shape.length == 1 ? 1 : shape[0];
        this.classes = shape.length == 1 ? shape[0] : shape[1];
        int in = 1;
        for (int d = 2; d < shape.length; d++) {
            in *= shape[d];
        }
        this.inner = in;
    }

    /**
     * @throws ShapeException for 0-d logits
     */
    static ClassDim of(String op, int[] logitsShape) {
        if (logitsShape.length == 0) {
            throw new ShapeException(op + ": expected input of size (C), (N, C) or (N, C, d1, …, dk), but got a 0-d "
                    + "input");
        }
        return new ClassDim(logitsShape);
    }

    /** Positions handled together by {@link #logSoftmax}. */
    static final int BLOCK = 256;

    /** Number of positions: N·d1⋯dk (1 for 1-D logits). */
    int positions() {
        return outer * inner;
    }

    /** Offset of class 0 of position (n, s) in the row-major logits. */
    int base(int n, int s) {
        return n * classes * inner + s;
    }

    /** The logits' shape without the class dimension: the shape of a per-position result. */
    int[] positionShape() {
        return Shapes.remove(logitsShape, logitsShape.length == 1 ? 0 : 1);
    }

    /** Which dimension holds the classes. */
    int classDimension() {
        return logitsShape.length == 1 ? 0 : 1;
    }

    /**
     * The stable log-softmax of the {@code len ≤ BLOCK} positions (n, s0), …, (n, s0 + len − 1), in the
     * form of two numbers per position from which {@code lp[c] = (x_c − shift) − logSum} (subtracted in
     * that order, SPEC §5.3):
     * <pre>
     *   shift  = max_c x_c        logSum = ln Σ_c exp(x_c − shift)
     * </pre>
     *
     * @param x      the logits, row-major; not modified
     * @param shift  at least len elements; modified: receives the maxima
     * @param logSum at least len elements; modified: receives the log-sums
     * @param probs  null, or an array of the logits' size; modified: receives the softmax of these
     *               positions at the logits' own offsets
     */
    void logSoftmax(double[] x, int n, int s0, int len, double[] shift, double[] logSum, double[] probs) {
        int base = base(n, s0);
        System.arraycopy(x, base, shift, 0, len);
        for (int c = 1; c < classes; c++) {
            int row = base + c * inner;
            for (int s = 0; s < len; s++) {
                shift[s] = Math.max(shift[s], x[row + s]);
            }
        }
        for (int s = 0; s < len; s++) {
            if (shift[s] == Double.NEGATIVE_INFINITY) {
                shift[s] = 0; // all −∞: keep (−∞) − (−∞) from producing NaN in the shift
            }
        }
        double[] sum = logSum; // holds Σ exp until the last loop turns it into its logarithm
        Arrays.fill(sum, 0, len, 0.0);
        for (int c = 0; c < classes; c++) {
            int row = base + c * inner;
            for (int s = 0; s < len; s++) {
                double e = Exp.exp(x[row + s] - shift[s]);
                sum[s] += e;
                if (probs != null) {
                    probs[row + s] = e;
                }
            }
        }
        if (probs != null) {
            for (int c = 0; c < classes; c++) {
                int row = base + c * inner;
                for (int s = 0; s < len; s++) {
                    probs[row + s] /= sum[s];
                }
            }
        }
        for (int s = 0; s < len; s++) {
            logSum[s] = Math.log(sum[s]);
        }
    }
}
