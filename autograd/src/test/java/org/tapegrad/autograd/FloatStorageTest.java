package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.kernel.Gemm;
import org.tapegrad.autograd.kernel.Precision;
import org.tapegrad.autograd.ops.Matmul;

/**
 * {@link Tensor#wrapFloats}: a float32 tensor that holds its values as floats until a double kernel asks
 * for them. Every way of reading it must see the same values, and an in-place change made through either
 * array must never leave the other one stale: that would be a silent wrong answer.
 */
class FloatStorageTest {

    private static final float[] VALUES = {1.5f, -2.25f, 3.1415927f, 1e-30f, -0.0f, 7f};

    @Test
    void aTensorMadeFromFloatsReadsTheSameEveryWay() {
        Tensor t = Tensor.wrapFloats(VALUES.clone(), 2, 3);
        assertEquals(DType.FLOAT32, t.dtype());
        assertTrue(t.hasStorageFloats());
        assertEquals(-2.25, t.get(0, 1), 0.0);
        assertEquals(1e-30f, (float) t.get(1, 0));
        double[] expected = new double[VALUES.length];
        for (int i = 0; i < VALUES.length; i++) {
            expected[i] = VALUES[i];
        }
        assertArrayEquals(expected, t.toDoubleArray(), 0.0);
        assertArrayEquals(VALUES, t.toFloatArray(), 0.0f);
        assertArrayEquals(new double[] {1.5, 1e-30f, -2.25, -0.0, 3.1415927f, 7}, t.t().toDoubleArray(), 0.0,
                "a strided view reads through the double copy");
        assertArrayEquals(expected, t.storageArray(), 0.0, "the double copy is exact");
        assertTrue(t.hasStorageFloats(), "making the double copy keeps the floats current");
        assertEquals(1.5, Tensor.wrapFloats(new float[] {1.5f}).item(), 0.0);
    }

    @Test
    void theFloatsAreTheArrayGivenAndTheDoubleCopyIsMadeOnce() {
        float[] values = VALUES.clone();
        Tensor t = Tensor.wrapFloats(values, 6);
        assertSame(values, t.storageFloats());
        assertSame(t.storageArray(), t.storageArray());
        assertSame(values, t.view(3, 2).storageFloats(), "views share the storage");
    }

    @Test
    void anInPlaceChangeThroughTheDoublesReachesTheFloats() {
        Tensor t = Tensor.wrapFloats(VALUES.clone(), 6);
        t.mulInPlace(2.0);
        assertFalse(t.hasStorageFloats(), "the floats are stale until asked for again");
        assertEquals(3.0f, t.storageFloats()[0]);
        assertEquals(-4.5, t.get(1), 0.0);
        t.copyFrom(Tensor.full(0.5, DType.FLOAT32, 6));
        assertEquals(0.5f, t.storageFloats()[5]);
        assertEquals(0.5f, t.toFloatArray()[5]);
    }

    @Test
    void anInPlaceChangeOfTheFloatsDropsTheDoubleCopyAndBumpsTheVersion() {
        Tensor t = Tensor.wrapFloats(VALUES.clone(), 6);
        t.storageArray(); // make the double copy
        int before = t.storage().version();
        float[] f = t.storage().overwriteFloats();
        f[0] = 42f;
        assertEquals(before + 1, t.storage().version());
        assertEquals(42.0, t.get(0), 0.0);
        assertEquals(42.0, t.storageArray()[0], 0.0, "the double copy is made again from the floats");
        assertEquals(42.0, t.toDoubleArray()[0], 0.0);
    }

    @Test
    void aSavedTensorSeesAnInPlaceChangeOfAFloatTensor() {
        Tensor t = Tensor.wrapFloats(VALUES.clone(), 6);
        SavedTensor saved = new SavedTensor("op", t);
        t.addInPlace(1.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, saved::get);
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
    }

    @Test
    void aWrongNumberOfValuesIsRejected() {
        ShapeException e = assertThrows(ShapeException.class, () -> Tensor.wrapFloats(new float[5], 2, 3));
        assertEquals("tensor: 5 values cannot fill shape [2, 3] (6 elements)", e.getMessage());
    }

    @Test
    void aViewCannotReachOutsideAFloatStorage() {
        Tensor t = Tensor.wrapFloats(VALUES.clone(), 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.asStrided(new int[] {4}, new int[] {2}, 0));
        assertTrue(e.getMessage().endsWith("reaches outside a storage of 6 elements"), e.getMessage());
    }

    /**
     * A float32 linear layer writes its weight's gradient as floats: it must hold the single-precision
     * product Gᵀ·X bit for bit, on the packed path (48×64×16) and on the small one (4×3×2), and a second
     * backward pass must accumulate into it through the doubles without leaving the floats stale.
     */
    @Test
    void aLinearWeightGradientIsHeldAsFloatsAndAccumulates() {
        for (int[] size : new int[][] {{16, 64, 48}, {2, 3, 4}}) {
            int rows = size[0];
            int in = size[1];
            int out = size[2];
            Generator gen = new Generator(rows);
            Tensor x = Tensor.randn(gen, DType.FLOAT32, rows, in);
            Tensor w = Tensor.randn(gen, DType.FLOAT32, out, in).requiresGrad(true);
            Tensor g = Tensor.randn(gen, DType.FLOAT32, rows, out);
            Matmul.linear(x, w, null).backward(g);

            double[] expected = new double[out * in];
            Gemm.multiply(Precision.SINGLE, out, in, rows, g.toDoubleArray(), 0, true, x.toDoubleArray(), 0, false,
                    expected, 0, false);
            assertTrue(w.grad().hasStorageFloats(), "the gradient is held as floats");
            assertArrayEquals(expected, w.grad().toDoubleArray(), 0.0);

            Matmul.linear(x, w, null).backward(g);
            double[] doubled = new double[expected.length];
            for (int i = 0; i < expected.length; i++) {
                doubled[i] = 2 * expected[i]; // exact, and so is its float sum
            }
            assertArrayEquals(doubled, w.grad().toDoubleArray(), 0.0);
            float[] floats = w.grad().storageFloats();
            for (int i = 0; i < doubled.length; i++) {
                assertEquals(doubled[i], floats[i], 0.0, "the float copy after accumulating, at " + i);
            }
        }
    }
}
