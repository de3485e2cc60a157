package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code to(dtype)}: rounds to float32, widens exactly to float64, and sends gradients back converted. */
class TypeConversionTest {

    @Test
    void toFloat32RoundsEachValueToTheNearestFloat() {
        Tensor d = Tensor.of(new double[] {0.1, 1.0 / 3, 1e-50, 1e39}, 4);
        Tensor f = d.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new double[] {(float) 0.1, (float) (1.0 / 3), 0.0, Double.POSITIVE_INFINITY},
                f.toDoubleArray());
    }

    @Test
    void toFloat64OfAFloat32TensorIsExact() {
        Tensor f = Tensor.of(new float[] {0.1f, 3.4e38f, -1.5f}, 3);
        Tensor d = f.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, d.dtype());
        assertArrayEquals(new double[] {0.1f, 3.4e38f, -1.5f}, d.toDoubleArray());
        assertArrayEquals(f.toDoubleArray(), d.to(DType.FLOAT32).toDoubleArray());
    }

    @Test
    void toTheSameTypeReturnsTheTensorItself() {
        Tensor x = Tensor.ones(DType.FLOAT64, 2);
        assertSame(x, x.to(DType.FLOAT64));
    }

    @Test
    void conversionIsRecordedAndTheGradientComesBackInTheInputType() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor f = x.to(DType.FLOAT32);
        assertEquals("to(float32)", f.gradFn().name());
        f.mul(f).sum().backward();
        assertEquals(DType.FLOAT64, x.grad().dtype());
        assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray());
    }

    @Test
    void conversionOfANonContiguousViewKeepsTheLogicalOrder() {
        Tensor x = Tensor.arange(0, 6, 1, DType.FLOAT64).reshape(2, 3).t();
        Tensor f = x.to(DType.FLOAT32);
        assertTrue(f.isContiguous());
        assertArrayEquals(x.toDoubleArray(), f.toDoubleArray());
    }
}
