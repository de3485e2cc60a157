package org.tapegrad.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.tapegrad.autograd.testing.TensorArbitraries.broadcastPairs;
import static org.tapegrad.autograd.testing.TensorArbitraries.inLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.shapes;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.testing.TensorArbitraries.Layout;
import org.tapegrad.autograd.testing.Tolerances;

/**
 * matmul in all its PyTorch forms (1-D·2-D, 2-D·1-D, 1-D·1-D, 2-D·2-D, batched with broadcast batch
 * dimensions, batched against 1-D and 2-D) and {@code Matmul.linear} (1-D/2-D/3-D input, with and
 * without bias): values equal a triple-loop reference and gradients pass gradcheck, with operands
 * in every memory layout (column-major matrices the kernel reads through its transpose flags, offset and
 * strided ones it copies).
 */
class MatmulGradientProperties {
    private static final double MAX_VALUE = 3;

    @Property(tries = 40)
    void vectorTimesMatrix(@ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 4) int n,
            @ForAll Layout layout, @ForAll("seeds") long seed) {
        Tensor a = leaf(seed, layout, k);
        Tensor b = leaf(seed + 1, layout, k, n);
        assertProduct(a.unsqueeze(0), b, a.matmul(b), new int[] {n});
        Gradcheck.check(in -> in[0].matmul(in[1]), a, b);
    }

    @Property(tries = 40)
    void matrixTimesVector(@ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 4) int k,
            @ForAll Layout layout, @ForAll("seeds") long seed) {
        Tensor a = leaf(seed, layout, m, k);
        Tensor b = leaf(seed + 1, layout, k);
        assertProduct(a, b.unsqueeze(1), a.matmul(b), new int[] {m});
        Gradcheck.check(in -> in[0].matmul(in[1]), a, b);
    }

    @Property(tries = 20)
    void vectorDotVectorIsZeroDimensional(@ForAll @IntRange(min = 1, max = 4) int k, @ForAll Layout layout,
            @ForAll("seeds") long seed) {
        Tensor a = leaf(seed, Layout.CONTIGUOUS, k);
        Tensor b = leaf(seed + 1, layout, k);
        assertProduct(a.unsqueeze(0), b.unsqueeze(1), a.matmul(b), new int[0]);
        Gradcheck.check(in -> in[0].matmul(in[1]), a, b);
    }

    @Property(tries = 60)
    void matrixTimesMatrix(@ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 4) int k,
            @ForAll @IntRange(min = 1, max = 4) int n, @ForAll Layout aLayout, @ForAll Layout bLayout,
            @ForAll("seeds") long seed) {
        Tensor a = leaf(seed, aLayout, m, k);
        Tensor b = leaf(seed + 1, bLayout, k, n);
        assertProduct(a, b, a.matmul(b), new int[] {m, n});
        Gradcheck.check(in -> in[0].matmul(in[1]), a, b);
    }

    @Property(tries = 60)
    void batchedWithBroadcastBatchDimensions(@ForAll("batchPairs") int[][] batches,
            @ForAll @IntRange(min = 1, max = 3) int m, @ForAll @IntRange(min = 1, max = 3) int k,
            @ForAll @IntRange(min = 1, max = 3) int n, @ForAll Layout aLayout, @ForAll Layout bLayout,
            @ForAll("seeds") long seed) {
        Tensor a = leaf(seed, aLayout, concat(batches[0], m, k));
        Tensor b = leaf(seed + 1, bLayout, concat(batches[1], k, n));
        int[] batch = Shapes.broadcast("test", batches[0], batches[1]);
        assertProduct(a, b, a.matmul(b), concat(batch, m, n));
        Gradcheck.check(in -> in[0].matmul(in[1]), a, b);
    }

    @Property(tries = 40)
    void batchedAgainstMatrixAndVector(@ForAll("batchShapes") int[] batch, @ForAll Layout layout,
            @ForAll @IntRange(min = 1, max = 3) int m,
            @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll("seeds") long seed) {
        Tensor batched = leaf(seed, Layout.CONTIGUOUS, concat(batch, m, k));
        Tensor matrix = leaf(seed + 1, layout, k, n);
        Tensor vector = leaf(seed + 2, layout, k);
        Tensor leftMatrix = leaf(seed + 3, Layout.CONTIGUOUS, n, m);
        Tensor leftVector = leaf(seed + 4, Layout.CONTIGUOUS, m);
        assertProduct(batched, matrix, batched.matmul(matrix), concat(batch, m, n));
        assertProduct(batched, vector.unsqueeze(1), batched.matmul(vector), concat(batch, m));
        assertProduct(leftMatrix, batched, leftMatrix.matmul(batched), concat(batch, n, k));
        assertProduct(leftVector.unsqueeze(0), batched, leftVector.matmul(batched), concat(batch, k));
        Gradcheck.check(in -> in[0].matmul(in[1]), batched, matrix);
        Gradcheck.check(in -> in[0].matmul(in[1]), batched, vector);
        Gradcheck.check(in -> in[0].matmul(in[1]), leftMatrix, batched);
        Gradcheck.check(in -> in[0].matmul(in[1]), leftVector, batched);
    }

    @Property(tries = 60)
    void linearWithAndWithoutBias(@ForAll @IntRange(min = 1, max = 3) int inputRank,
            @ForAll @IntRange(min = 1, max = 4) int in, @ForAll @IntRange(min = 1, max = 4) int out,
            @ForAll boolean withBias, @ForAll Layout inputLayout, @ForAll Layout weightLayout,
            @ForAll("seeds") long seed) {
        int[] xShape = inputRank == 1 ? new int[] {in} : inputRank == 2 ? new int[] {3, in} : new int[] {2, 3, in};
        Tensor x = leaf(seed, inputLayout, xShape);
        Tensor w = leaf(seed + 1, weightLayout, out, in);
        Tensor b = withBias ? leaf(seed + 2, Layout.CONTIGUOUS, out) : null;
        Tensor y = Matmul.linear(x, w, b);
        Tensor expected = x.matmul(w.t());
        if (b != null) {
            expected = expected.add(b);
        }
        assertArrayEquals(expected.shape(), y.shape());
        Tolerances.assertClose(expected.toDoubleArray(), y.toDoubleArray(), Tolerances.FLOAT64_TIGHT,
                Tolerances.FLOAT64_TIGHT);
        if (b != null) {
            Gradcheck.check(t -> Matmul.linear(t[0], t[1], t[2]), x, w, b);
        } else {
            Gradcheck.check(t -> Matmul.linear(t[0], t[1], null), x, w);
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    /** Batch shapes of 1–2 dimensions that broadcast together. */
    @Provide
    Arbitrary<int[][]> batchPairs() {
        return broadcastPairs(shapes(1, 2, 1, 3));
    }

    @Provide
    Arbitrary<int[]> batchShapes() {
        return shapes(1, 2, 1, 3);
    }

    /** A float64 leaf with values uniform in [-3, 3) drawn from {@code seed}, laid out as {@code layout}. */
    private static Tensor leaf(long seed, Layout layout, int... shape) {
        Tensor t = Tensor.rand(new Generator(seed), DType.FLOAT64, shape).mul(2 * MAX_VALUE).sub(MAX_VALUE)
                .requiresGrad(true);
        return inLayout(t, layout);
    }

    private static int[] concat(int[] batch, int... matrix) {
        int[] out = Arrays.copyOf(batch, batch.length + matrix.length);
        System.arraycopy(matrix, 0, out, batch.length, matrix.length);
        return out;
    }

    /** {@code actual} has {@code shape} and equals the reference product of the matrices a and b. */
    private static void assertProduct(Tensor a, Tensor b, Tensor actual, int[] shape) {
        assertArrayEquals(shape, actual.shape());
        Tolerances.assertClose(Reference.batchedProduct(a, b), actual.toDoubleArray(), Tolerances.FLOAT64_TIGHT,
                Tolerances.FLOAT64_TIGHT);
    }
}
