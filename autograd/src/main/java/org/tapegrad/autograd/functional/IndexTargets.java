package org.tapegrad.autograd.functional;

import java.util.Arrays;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;

/**
 * Class-index targets checked against their logits: one class per position (see {@link ClassDim}),
 * stored in a float tensor as exact integers, of the logits' shape without the class dimension. A
 * target equal to {@code ignoreIndex} marks an ignored position, even when ignoreIndex lies in [0, C).
 *
 * <p>This class is immutable.
 */
final class IndexTargets {
    /** Per position: the target class, or −1 where the position is ignored. */
    private final int[] classOf;

    private IndexTargets(int[] classOf) {
        this.classOf = classOf;
    }

    /**
     * @throws ShapeException           if the target's shape is not the logits' shape without the class dimension
     * @throws IllegalArgumentException naming the value and its index, for a non-integer target or a class
     *                                  outside [0, C) other than ignoreIndex
     */
    static IndexTargets of(String op, ClassDim dims, Tensor target, int ignoreIndex) {
        int[] expected = dims.positionShape();
        if (!Arrays.equals(target.shape(), expected)) {
            throw new ShapeException(op + ": expected target of size " + Shapes.format(expected) + " (the input size "
                    + Shapes.format(dims.logitsShape) + " without the class dimension " + dims.classDimension()
                    + "), but got target of size " + Shapes.format(target.shape()));
        }
        double[] t = Kernels.rowMajor(target);
        int[] classOf = new int[t.length];
        for (int p = 0; p < t.length; p++) {
            double v = t[p];
            int y = (int) v; // exact for every valid class; NaN gives 0 and ±∞ saturate, which fail y == v
            if (y == v && y >= 0 && y < dims.classes && y != ignoreIndex) {
                classOf[p] = y;
            } else if (v == ignoreIndex) {
                classOf[p] = -1;
            } else if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(op + ": target must hold class indices (exact integers), but "
                        + "target" + indexOf(p, expected) + " is " + v + " (target of size " + Shapes.format(expected)
                        + ")");
            } else {
                throw new IllegalArgumentException(op + ": Target " + (long) v + " is out of bounds: expected a class "
                        + "in [0, " + dims.classes + ") or ignoreIndex " + ignoreIndex + ", found at target"
                        + indexOf(p, expected) + " (target of size " + Shapes.format(expected) + ", input of size "
                        + Shapes.format(dims.logitsShape) + ")");
            }
        }
        return new IndexTargets(classOf);
    }

    /** The class of position {@code p}, or −1 if it is ignored. */
    int classOf(int p) {
        return classOf[p];
    }

    /**
     * The divisor of the 'mean' reduction: {@code D = Σ w[y_p]} over the positions that are not ignored
     * (their count when unweighted); 0 when every position is ignored, so that the mean is 0/0 = NaN.
     */
    double totalWeight(double[] weight) {
        double d = 0;
        for (int y : classOf) {
            if (y >= 0) {
                d += weight[y];
            }
        }
        return d;
    }

    /** {@code [i0, i1, …]}: the multi-index of flat position {@code p} in {@code shape}. */
    private static String indexOf(int p, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = p % shape[d];
            p /= shape[d];
        }
        return Arrays.toString(index);
    }
}
