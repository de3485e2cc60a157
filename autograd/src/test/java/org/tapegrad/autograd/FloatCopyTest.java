package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.ops.Matmul;

/**
 * {@link Tensor#storageFloats()}: the float copy that matrix products read for float32 leaves is exact,
 * kept while the storage is unchanged and never stale after an in-place change, whichever way the
 * change was made. A stale copy would be a silent wrong answer, so every product path that reads it is
 * checked against the same product of a fresh tensor holding the new values.
 */
class FloatCopyTest {

    private static Tensor weight(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT32, shape);
    }

    /** A new tensor with the same values: it has no float copy yet, so its products are the reference. */
    private static Tensor fresh(Tensor t) {
        return Tensor.of(DType.FLOAT32, t.toDoubleArray(), t.shape());
    }

    @Test
    void theCopyHoldsTheValuesAndIsKeptWhileTheStorageIsUnchanged() {
        Tensor w = weight(1, 4, 5);
        float[] floats = w.storageFloats();
        double[] values = w.storageArray();
        assertEquals(values.length, floats.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], floats[i], 0.0);
        }
        assertSame(floats, w.storageFloats());
        assertSame(floats, w.t().storageFloats(), "a view shares its storage's copy");
    }

    @Test
    void anInPlaceChangeRefreshesTheCopy() {
        Tensor w = weight(2, 3, 3);
        w.storageFloats();
        w.mulInPlace(3.0);
        float[] floats = w.storageFloats();
        double[] values = w.storageArray();
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], floats[i], 0.0);
        }
        w.copyFrom(Tensor.full(0.5, DType.FLOAT32, 3, 3));
        assertEquals(0.5f, w.storageFloats()[4]);
    }

    @Test
    void onlyFloat32TensorsHaveACopy() {
        Tensor d = Tensor.zeros(DType.FLOAT64, 2, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, d::storageFloats);
        assertEquals("storageFloats: only float32 tensors have a float copy, this one is float64 (shape [2, 3])",
                e.getMessage());
    }

    @Test
    void matrixVectorProductsSeeInPlaceChanges() {
        // 512×512 · 512: the memory-bound matrix–vector path, which reads the weight's copy
        Tensor w = weight(3, 512, 512);
        Tensor x = weight(4, 512);
        assertArrayEquals(fresh(w).matmul(x).toDoubleArray(), w.matmul(x).toDoubleArray(), 0.0);
        w.addInPlace(1.0);
        assertArrayEquals(fresh(w).matmul(x).toDoubleArray(), w.matmul(x).toDoubleArray(), 0.0);
        Tensor row = weight(5, 512);
        assertArrayEquals(row.matmul(fresh(w)).toDoubleArray(), row.matmul(w).toDoubleArray(), 0.0);
    }

    @Test
    void packedProductsSeeInPlaceChanges() {
        Tensor w = weight(6, 96, 64);
        Tensor x = weight(7, 40, 64);
        assertArrayEquals(Matmul.linear(x, fresh(w), null).toDoubleArray(),
                Matmul.linear(x, w, null).toDoubleArray(), 0.0);
        w.subInPlace(Tensor.full(0.25, DType.FLOAT32, 96, 64));
        assertArrayEquals(Matmul.linear(x, fresh(w), null).toDoubleArray(),
                Matmul.linear(x, w, null).toDoubleArray(), 0.0);
        // both operands leaves, one a transposed view, one a view at an offset into its storage
        Tensor b = weight(8, 70, 96).narrow(0, 3, 64);
        assertArrayEquals(fresh(x).matmul(fresh(w).t()).toDoubleArray(), x.matmul(w.t()).toDoubleArray(), 0.0);
        assertArrayEquals(fresh(b).matmul(fresh(w)).toDoubleArray(), b.matmul(w).toDoubleArray(), 0.0);
    }

    @Test
    void theLinearInputGradientReadsTheCurrentWeight() {
        Tensor w = weight(9, 32, 48).requiresGrad(true);
        Tensor x = weight(10, 16, 48).requiresGrad(true);
        Matmul.linear(x, w, null).sum().backward();
        Tensor dxBefore = x.grad().copy();
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            w.mulInPlace(-2.0);
        }
        x.setGrad(null);
        Matmul.linear(x, w, null).sum().backward();
        // dx = g·W with g all ones, so the new gradient is −2 times the old one, exactly
        assertArrayEquals(dxBefore.mul(-2.0).toDoubleArray(), x.grad().toDoubleArray(), 0.0);
    }
}
