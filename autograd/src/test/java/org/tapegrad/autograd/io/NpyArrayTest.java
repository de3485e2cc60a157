package org.tapegrad.autograd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tapegrad.autograd.io.NpyMalformedInputTest.assertMessageContains;

import org.junit.jupiter.api.Test;

class NpyArrayTest {

    @Test
    void factoriesSetTypeShapeAndData() {
        NpyArray float64 = NpyArray.ofFloat64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NpyArray int32 = NpyArray.ofInt32(new int[] {-1, 7}, 2);
        NpyArray bool = NpyArray.ofBool(new boolean[] {true, false, true}, 3, 1);

        assertEquals(NpyType.FLOAT64, float64.type());
        assertArrayEquals(new int[] {2, 3}, float64.shape());
        assertEquals(2, float64.ndim());
        assertEquals(6, float64.numel());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, float64.toDoubleArray());
        assertEquals(NpyType.INT32, int32.type());
        assertArrayEquals(new long[] {-1, 7}, int32.toLongArray());
        assertArrayEquals(new long[] {1, 0, 1}, bool.toLongArray());
        assertArrayEquals(new double[] {1, 0, 1}, bool.toDoubleArray());
    }

    @Test
    void zeroDimensionalArrayHasOneElement() {
        NpyArray scalar = NpyArray.ofInt64(new long[] {42});

        assertArrayEquals(new int[0], scalar.shape());
        assertEquals(0, scalar.ndim());
        assertEquals(1, scalar.numel());
        assertArrayEquals(new double[] {42}, scalar.toDoubleArray());
    }

    @Test
    void emptyDimensionsGiveNoElements() {
        NpyArray empty = NpyArray.ofFloat64(new double[0], 0, 3);

        assertEquals(0, empty.numel());
        assertArrayEquals(new int[] {0, 3}, empty.shape());
    }

    @Test
    void float32RoundsToFloat() {
        NpyArray array = NpyArray.ofFloat32(new double[] {0.1, 1e300}, 2);

        assertArrayEquals(new double[] {(float) 0.1, Double.POSITIVE_INFINITY}, array.toDoubleArray());
    }

    @Test
    void inputsAndOutputsAreCopied() {
        double[] data = {1, 2};
        int[] shape = {2};
        NpyArray array = NpyArray.ofFloat64(data, shape);

        data[0] = 99;
        shape[0] = 1;
        array.shape()[0] = 5;
        array.toDoubleArray()[1] = 77;

        assertEquals(NpyArray.ofFloat64(new double[] {1, 2}, 2), array);
    }

    @Test
    void dataLengthMustMatchTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofFloat64(new double[5], 2, 3));

        assertMessageContains(e, "5 elements", "(2, 3)", "needs 6");
    }

    @Test
    void negativeDimensionsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofInt64(new long[0], 0, -1));

        assertMessageContains(e, "(0, -1)", "negative");
    }

    @Test
    void tooManyElementsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofBool(new boolean[0], 65536, 65536));

        assertMessageContains(e, "(65536, 65536)", "more than 2147483639 elements");
    }

    @Test
    void toLongArrayRejectsFloatingPointArrays() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NpyArray.ofFloat32(new double[] {1}, 1).toLongArray());

        assertMessageContains(e, "FLOAT32");
    }

    @Test
    void equalityLooksAtTypeShapeAndData() {
        NpyArray array = NpyArray.ofFloat64(new double[] {1, Double.NaN}, 2);

        assertEquals(array, NpyArray.ofFloat64(new double[] {1, Double.NaN}, 2));
        assertEquals(array.hashCode(), NpyArray.ofFloat64(new double[] {1, Double.NaN}, 2).hashCode());
        assertNotEquals(array, NpyArray.ofFloat64(new double[] {1, Double.NaN}, 2, 1));
        assertNotEquals(array, NpyArray.ofFloat32(new double[] {1, Double.NaN}, 2));
        assertNotEquals(NpyArray.ofInt32(new int[] {1}, 1), NpyArray.ofInt64(new long[] {1}, 1));
        assertNotEquals(NpyArray.ofFloat64(new double[] {0.0}), NpyArray.ofFloat64(new double[] {-0.0}));
    }

    @Test
    void toStringShowsTypeShapeAndFirstElements() {
        assertEquals("NpyArray[INT32, shape (2,), data [3, 4]]", NpyArray.ofInt32(new int[] {3, 4}, 2).toString());
        assertEquals("NpyArray[FLOAT64, shape (3, 4), data [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, ...]]",
                NpyArray.ofFloat64(new double[12], 3, 4).toString());
    }
}
