package org.tapegrad.autograd.ops;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Straightforward element-by-element reference computations for the op tests: one loop over output
 * indices, reading operands with {@link Tensor#get}, no kernels shared with the code under test.
 */
final class Reference {
    private Reference() {
    }

    /** {@code f(a, b)} with NumPy broadcasting, in row-major order of the broadcast shape. */
    static double[] broadcastBinary(Tensor a, Tensor b, DoubleBinaryOperator f) {
        int[] out = Shapes.broadcast("reference", a.shape(), b.shape());
        double[] result = new double[Shapes.numel("reference", out)];
        int[] index = new int[out.length];
        for (int flat = 0; flat < result.length; flat++) {
            result[flat] = f.applyAsDouble(a.get(broadcastIndex(index, a.shape())), b.get(broadcastIndex(index,
                    b.shape())));
            increment(index, out);
        }
        return result;
    }

    /**
     * The product of {@code a} (…, m, k) and {@code b} (…, k, n) with broadcast batch dimensions, both of
     * rank at least 2, in row-major order of the result (batch, m, n).
     */
    static double[] batchedProduct(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        int[] batchA = Arrays.copyOf(as, as.length - 2);
        int[] batchB = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast("reference", batchA, batchB);
        int batches = Shapes.numel("reference", batch);
        double[] result = new double[batches * m * n];
        int[] index = new int[batch.length];
        for (int bi = 0; bi < batches; bi++) {
            int[] ia = Arrays.copyOf(broadcastIndex(index, batchA), batchA.length + 2);
            int[] ib = Arrays.copyOf(broadcastIndex(index, batchB), batchB.length + 2);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        ia[ia.length - 2] = i;
                        ia[ia.length - 1] = p;
                        ib[ib.length - 2] = p;
                        ib[ib.length - 1] = j;
                        s += a.get(ia) * b.get(ib);
                    }
                    result[(bi * m + i) * n + j] = s;
                }
            }
            increment(index, batch);
        }
        return result;
    }

    /** The index into an operand of {@code shape} that the broadcast index {@code index} reads. */
    static int[] broadcastIndex(int[] index, int[] shape) {
        int lead = index.length - shape.length;
        int[] own = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            own[d] = shape[d] == 1 ? 0 : index[d + lead];
        }
        return own;
    }

    /** Advances a row-major multi-index over {@code shape}. */
    static void increment(int[] index, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                return;
            }
            index[d] = 0;
        }
    }
}
