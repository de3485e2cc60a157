package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.junit.jupiter.api.function.Executable;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/** Seeded tensors and element-wise comparisons for the functional tests. */
final class TestTensors {
    /** Agreement expected between two float64 computations of the same formula in different orders. */
    static final double EXACT = 1e-12;
    /** Agreement expected between a float32 result and the float64 result it rounds. */
    static final double FLOAT32 = 1e-5;

    private TestTensors() {
    }

    /** Uniform values in [−1, 1), float64. */
    static Tensor uniform(Generator gen, int... shape) {
        return Tensor.rand(gen, DType.FLOAT64, shape).mul(2).sub(1);
    }

    /** Uniform values in [−1, 1), float64, a leaf that requires grad. */
    static Tensor uniformLeaf(Generator gen, int... shape) {
        return uniform(gen, shape).detach().requiresGrad(true);
    }

    /** Standard normal values, float64, a leaf that requires grad. */
    static Tensor normalLeaf(Generator gen, int... shape) {
        return Tensor.randn(gen, DType.FLOAT64, shape).requiresGrad(true);
    }

    /**
     * Distinct values spaced 0.01 apart in a random order: no ties, and every pair is far more than a
     * finite-difference step apart, so max pooling's arg-max is stable under gradcheck.
     */
    static Tensor distinctLeaf(Generator gen, int... shape) {
        int n = Shapes.numel("distinct", shape);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = (i - n / 2.0) * 0.01;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            double t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return Tensor.of(values, shape).requiresGrad(true);
    }

    /** Asserts equal shapes and {@code |a − e| ≤ tol·(1 + |e|)} element by element. */
    static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])))) {
                fail("element " + i + " of shape " + Arrays.toString(expected.shape()) + ": expected " + e[i]
                        + " but got " + a[i] + " (tolerance " + tol + ")");
            }
        }
    }

    /** Asserts the values in row-major order, with the given tolerance. */
    static void assertValues(double[] expected, Tensor actual, double tol) {
        assertClose(Tensor.of(expected, actual.shape()), actual, tol);
    }

    /** Asserts that running {@code call} throws {@code type} with a message containing every fragment. */
    static <T extends Throwable> T assertThrowsWithMessage(Class<T> type, Executable call, String... fragments) {
        T e = assertThrows(type, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(fragment),
                    "message \"" + e.getMessage() + "\" should contain \"" + fragment + "\"");
        }
        return e;
    }
}
