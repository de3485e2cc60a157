package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;

/**
 * Logits of shape (C), (N, C) or (N, C, d1, …, dk) seen as {@code outer × C × inner} around the class
 * dimension (dimension 0 for 1-D logits, else 1), without moving any data. A <em>position</em> is one
 * (n, d1, …, dk), numbered {@code p = n·inner + s}; its C logits lie at
 * {@code base(p) + c·inner}: the class stride is {@code inner}. For the conv seed's (1, 3, 224, 224)
 * logits that is 50,176 positions of 3 classes each, read straight from the NCHW layout.
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

    /** Number of positions: N·d1⋯dk (1 for 1-D logits). */
    int positions() {
        return outer * inner;
    }

    /** Offset of class 0 of position {@code p} in the row-major logits. */
    int base(int p) {
        return (p / inner) * classes * inner + p % inner;
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
     * The stable log-softmax of position {@code p}: with {@code m} the largest logit,
     * {@code lp[c] = (x_c − m) − ln Σ_k exp(x_k − m)}, subtracted in that order (SPEC §5.3).
     *
     * @param x     the logits, row-major; not modified
     * @param lp    at least C elements; modified: receives the C log-probabilities
     * @param probs null, or an array of the logits' size; modified: receives the softmax of this position
     *              at the logits' own offsets
     */
    void logSoftmax(double[] x, int p, double[] lp, double[] probs) {
        int base = base(p);
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0, i = base; c < classes; c++, i += inner) {
            max = Math.max(max, x[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            max = 0; // all −∞: keep (−∞) − (−∞) from producing NaN in the shift
        }
        double sum = 0;
        for (int c = 0, i = base; c < classes; c++, i += inner) {
            double e = Math.exp(x[i] - max);
            sum += e;
            if (probs != null) {
                probs[i] = e;
            }
        }
        double logSum = Math.log(sum);
        for (int c = 0, i = base; c < classes; c++, i += inner) {
            lp[c] = (x[i] - max) - logSum;
            if (probs != null) {
                probs[i] /= sum;
            }
        }
    }
}
