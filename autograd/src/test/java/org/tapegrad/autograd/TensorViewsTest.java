package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Where PyTorch returns a view, tapegrad does too: the result shares the input's memory (a write
 * through it is seen by the input), and {@code contiguous()} copies only when the layout needs it.
 */
class TensorViewsTest {

    /** A fresh 2×3 float64 tensor 0..5. */
    private static Tensor base() {
        return Tensor.arange(0, 6, 1, DType.FLOAT64).reshape(2, 3);
    }

    /** The view shares storage with its base, and filling the view changes the base. */
    private static void assertIsView(UnaryOperator<Tensor> op) {
        Tensor x = base();
        Tensor v = op.apply(x);
        assertTrue(v.sharesStorageWith(x));
        v.fill(-1.0);
        for (double value : x.toDoubleArray()) {
            if (value == -1.0) {
                return;
            }
        }
        throw new AssertionError("writing through the view did not change the base");
    }

    @Test
    void reshapeOfAContiguousTensorIsAView() {
        assertIsView(x -> x.reshape(3, 2));
        assertIsView(x -> x.reshape(-1));
        assertIsView(x -> x.view(6));
    }

    @Test
    void transposePermuteAndTAreViews() {
        assertIsView(x -> x.transpose(0, 1));
        assertIsView(x -> x.permute(1, 0));
        assertIsView(Tensor::t);
    }

    @Test
    void expandIsAViewWithStrideZero() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 1, 3);
        Tensor e = x.expand(4, 3);
        assertTrue(e.sharesStorageWith(x));
        assertArrayEquals(new int[] {0, 1}, e.strides());
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, e.toDoubleArray());
    }

    @Test
    void squeezeUnsqueezeFlattenAndNarrowAreViews() {
        assertIsView(x -> x.unsqueeze(1));
        assertIsView(x -> x.unsqueeze(0).squeeze());
        assertIsView(x -> x.unsqueeze(2).squeeze(2));
        assertIsView(Tensor::flatten);
        assertIsView(x -> x.narrow(1, 1, 2));
        Tensor x = base();
        x.narrow(1, 1, 1).fill(9.0);
        assertArrayEquals(new double[] {0, 9, 2, 3, 9, 5}, x.toDoubleArray());
    }

    @Test
    void reshapeOfANonContiguousTensorCopiesWhenItMust() {
        Tensor x = base();
        Tensor flat = x.t().reshape(6);
        assertFalse(flat.sharesStorageWith(x));
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, flat.toDoubleArray());
        // …but stays a view when the layout allows one
        assertTrue(x.t().reshape(3, 1, 2).sharesStorageWith(x));
    }

    @Test
    void contiguousReturnsTheSameObjectWhenAlreadyContiguous() {
        Tensor x = base();
        assertSame(x, x.contiguous());
        Tensor rowSlice = x.narrow(0, 1, 1);
        assertTrue(rowSlice.isContiguous());
        assertSame(rowSlice, rowSlice.contiguous());
    }

    @Test
    void contiguousCopiesANonContiguousView() {
        Tensor x = base();
        Tensor t = x.t();
        assertFalse(t.isContiguous());
        Tensor c = t.contiguous();
        assertNotSame(t, c);
        assertTrue(c.isContiguous());
        assertFalse(c.sharesStorageWith(x));
        assertArrayEquals(t.toDoubleArray(), c.toDoubleArray());
        assertArrayEquals(new int[] {2, 1}, c.strides());
    }

    @Test
    void viewOfANonViewableLayoutFailsAndSuggestsReshape() {
        Tensor t = base().t();
        ShapeException e = assertThrows(ShapeException.class, () -> t.view(6));
        assertTrue(e.getMessage().startsWith("view:"), e.getMessage());
        assertTrue(e.getMessage().contains("[3, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("reshape"), e.getMessage());
    }

    @Test
    void viewsShareTheVersionCounterOfTheirBase() {
        Tensor x = base();
        Tensor v = x.t().narrow(0, 0, 1);
        v.mulInPlace(2.0);
        assertTrue(x.version() == 1 && v.version() == 1);
    }
}
