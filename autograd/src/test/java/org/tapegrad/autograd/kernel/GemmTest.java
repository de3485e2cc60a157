package org.tapegrad.autograd.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Edge cases, argument checking and thread-count independence of {@link Gemm}. */
class GemmTest {

    private int previousThreads;

    @BeforeEach
    void rememberThreads() {
        previousThreads = Parallelism.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(previousThreads);
    }

    private static GemmProperties.Case product(Precision precision, int m, int n, int k, boolean transA,
            boolean transB, boolean acc) {
        return new GemmProperties.Case(precision, m, n, k, transA, transB, acc, 1, 2, 3, 31L * m + 17L * n + k);
    }

    /**
     * Two threads that share a B panel each pack part of its depth into the owner's panel, staging in
     * their own buffers: a second kernel packing rows [20, kcPadded) of a transposed B for the owner must
     * leave the same panel as the owner packing all of it (checked through the product it gives, against
     * {@link Gemm#multiply} on one thread, bit for bit), with B given as doubles and, for float panels, as
     * floats.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void aKernelPacksPartOfAnotherKernelsPanel(Precision precision) {
        Parallelism.setThreads(1);
        int m = 10;
        int n = 37; // two 16-row transposing passes and a remainder of 5 (four passes of 8 and 5 for doubles)
        int k = 50;
        int kcPadded = 51;
        Random rnd = new Random(5);
        double[] a = new double[m * k];
        double[] b = new double[n * k]; // stored n×k: op(B) = Bᵀ
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        float[] bFloats = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            bFloats[i] = (float) b[i];
        }
        double[] expected = new double[m * n];
        Gemm.multiply(precision, m, n, k, a, 0, false, b, 0, true, expected, 0, false);
        for (boolean asFloats : precision == Precision.SINGLE ? new boolean[] {false, true} : new boolean[] {false}) {
            PanelKernel owner = precision == Precision.SINGLE ? new FloatPanelKernel() : new DoublePanelKernel();
            PanelKernel other = precision == Precision.SINGLE ? new FloatPanelKernel() : new DoublePanelKernel();
            float[] bf = asFloats ? bFloats : null;
            owner.packB(owner, 0, 20, b, bf, 0, true, n, k, 0, k, 0, n);
            other.packB(owner, 20, kcPadded, b, bf, 0, true, n, k, 0, k, 0, n);
            double[] c = new double[m * n];
            owner.multiplyRows(owner, 0, m, k, kcPadded, n, true, m, k, a, null, 0, false, 0, c, null, 0, n);
            assertArrayEquals(expected, c, 0.0, precision + (asFloats ? ", B as floats" : ", B as doubles"));
        }
    }

    @Test
    void knownSmallProduct() {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        double[] a = {1, 2, 3, 4, 5, 6};
        double[] b = {7, 8, 9, 10, 11, 12};
        double[] c = new double[4];
        Gemm.multiply(2, 2, 3, a, 0, false, b, 0, false, c, 0, false);
        assertArrayEquals(new double[] {58, 64, 139, 154}, c, 0.0);
        // Aᵀ stored 3×2 and Bᵀ stored 2×3 give the same product
        double[] at = {1, 4, 2, 5, 3, 6};
        double[] bt = {7, 9, 11, 8, 10, 12};
        double[] c2 = {1, 1, 1, 1};
        Gemm.multiply(2, 2, 3, at, 0, true, bt, 0, true, c2, 0, true);
        assertArrayEquals(new double[] {59, 65, 140, 155}, c2, 0.0);
    }

    @Test
    void matrixVectorProductsMatchNaiveInEveryLayout() {
        for (int threads : new int[] {1, 2}) {
            Parallelism.setThreads(threads);
            for (int size : new int[] {1, 2, 3, 7, 300, 513}) {
                for (int other : new int[] {1, 5, 301}) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean tb : new boolean[] {false, true}) {
                            for (Precision p : Precision.values()) {
                                GemmProperties.check(product(p, size, 1, other, ta, tb, false)); // y = op(A)·x
                                GemmProperties.check(product(p, 1, size, other, ta, tb, true)); // y = x·op(B)
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void blockedPathAcrossSeveralPanelsMatchesNaive(Precision p) {
        // n > 1024 and k > 512: several column blocks and k panels in either precision (a panel row is
        // 512 doubles or 1024 floats, a panel 512 deep), k not a multiple of 3
        Parallelism.setThreads(1);
        GemmProperties.check(product(p, 7, 1031, 1027, false, true, true));
        Parallelism.setThreads(2);
        GemmProperties.check(product(p, 100, 1031, 1027, false, false, true));
        GemmProperties.check(product(p, 515, 70, 300, true, true, false)); // tall C: split by rows
        GemmProperties.check(product(p, 2000, 5, 40, true, false, true)); // narrow C: dot products
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void tallNarrowProductsMatchNaiveInEveryLayout(Precision p) {
        // n < 32 and m >= 2n: computed as Cᵀ = op(B)ᵀ·op(A)ᵀ, then transposed (a classifier's logits)
        for (int threads : new int[] {1, 2}) {
            Parallelism.setThreads(threads);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    GemmProperties.check(product(p, 64, 10, 627, ta, tb, false));
                    GemmProperties.check(product(p, 301, 31, 40, ta, tb, true));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void resultDoesNotDependOnTheNumberOfThreads(Precision p) {
        int[][] shapes = {{200, 300, 270}, {600, 1, 600}, {1, 600, 600}, {700, 20, 64}, {2000, 5, 40}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Random rnd = new Random(5);
                    double[] a = GemmProperties.random(rnd, s[0] * s[2], 1);
                    double[] b = GemmProperties.random(rnd, s[2] * s[1], 1);
                    double[] one = new double[s[0] * s[1]];
                    double[] two = new double[s[0] * s[1]];
                    Parallelism.setThreads(1);
                    Gemm.multiply(p, s[0], s[1], s[2], a, 0, ta, b, 0, tb, one, 0, false);
                    Parallelism.setThreads(2);
                    Gemm.multiply(p, s[0], s[1], s[2], a, 0, ta, b, 0, tb, two, 0, false);
                    assertArrayEquals(one, two, 0.0, () -> Arrays.toString(s) + " transA=" + ta + " transB=" + tb);
                }
            }
        }
    }

    @Test
    void zeroDepthZeroesCOrLeavesItWhenAccumulating() {
        double[] c = {9, 1, 2, 3, 4, 9};
        Gemm.multiply(2, 2, 0, new double[0], 0, false, new double[0], 0, true, c, 1, true);
        assertArrayEquals(new double[] {9, 1, 2, 3, 4, 9}, c, 0.0);
        Gemm.multiply(2, 2, 0, new double[0], 0, false, new double[0], 0, true, c, 1, false);
        assertArrayEquals(new double[] {9, 0, 0, 0, 0, 9}, c, 0.0);
    }

    @Test
    void singlePrecisionLeavesCInFloatEvenWithZeroDepth() {
        double[] c = {9, 0.1, 0.2, 9};
        Gemm.multiply(Precision.SINGLE, 1, 2, 0, new double[0], 0, false, new double[0], 0, false, c, 1, true);
        assertArrayEquals(new double[] {9, (float) 0.1, (float) 0.2, 9}, c, 0.0);
    }

    @Test
    void emptyResultTouchesNothing() {
        double[] c = {1, 2};
        Gemm.multiply(0, 2, 3, new double[0], 0, false, new double[6], 0, false, c, 0, false);
        Gemm.multiply(2, 0, 3, new double[6], 0, false, new double[0], 0, false, c, 0, false);
        assertArrayEquals(new double[] {1, 2}, c, 0.0);
    }

    @Test
    void rejectsNegativeSizesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(2, -1, 3, new double[6], 0, false, new double[6], 0, false, new double[6], 0,
                        false));
        assertEquals("gemm: sizes must be >= 0, got m=2, n=-1, k=3", e.getMessage());
    }

    @Test
    void rejectsArraysTooShortForTheirOffsetAndSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(2, 4, 3, new double[6], 0, false, new double[12], 1, false, new double[8], 0,
                        false));
        assertEquals("gemm: array b too short: needs bOffset + k*n = 1 + 12 = 13 elements, has 12 (m=2, n=4, k=3)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(2, 4, 3, new double[5], 0, true, new double[12], 0, false, new double[8], 0,
                        false));
        assertEquals("gemm: array a too short: needs aOffset + m*k = 0 + 6 = 6 elements, has 5 (m=2, n=4, k=3)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(2, 4, 3, new double[6], 0, false, new double[12], 0, false, new double[8], 2,
                        false));
        assertEquals("gemm: array c too short: needs cOffset + m*n = 2 + 8 = 10 elements, has 8 (m=2, n=4, k=3)",
                e.getMessage());
    }

    @Test
    void rejectsNegativeOffsets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(1, 1, 1, new double[1], -1, false, new double[1], 0, false, new double[1], 0,
                        false));
        assertEquals("gemm: aOffset must be >= 0, got -1 (m=1, n=1, k=1)", e.getMessage());
    }

    @Test
    void rejectsCOverlappingAnInput() {
        double[] shared = new double[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(2, 2, 2, shared, 0, false, new double[4], 0, false, shared, 3, false));
        assertEquals("gemm: c [3, 7) overlaps a [0, 4) in the same array", e.getMessage());
        // disjoint regions of one array are fine
        Gemm.multiply(2, 2, 2, shared, 0, false, shared, 4, false, new double[4], 0, false);
        Gemm.multiply(1, 2, 2, shared, 0, false, new double[4], 0, false, shared, 2, false);
    }

    @Test
    void rejectsAFloatCopyOfAnotherLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(Precision.SINGLE, 2, 2, 2, new double[4], new float[3], 0, false, new double[4],
                        null, 0, false, new double[4], 0, false));
        assertEquals("gemm: aFloats has 3 elements, a has 4: a float copy must hold the same values at the same "
                + "indices", e.getMessage());
    }

    @Test
    void productOfAFloatOnlyBChecksItsArguments() {
        // 8×16×8 packs float panels; 2×2×2 takes the path that converts B to doubles: both check the same way
        assertTrue(Gemm.packsSinglePanels(8, 16, 8));
        assertFalse(Gemm.packsSinglePanels(2, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(8, 16, 8, new double[64], null, 0, false, new float[127], 0, false,
                        new double[128], 0, false));
        assertEquals("gemm: array b too short: needs bOffset + k*n = 0 + 128 = 128 elements, has 127 (m=8, n=16, k=8)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(8, 16, 8, new double[63], null, 0, false, new float[128], 0, false,
                        new double[128], 0, false));
        assertEquals("gemm: array a too short: needs aOffset + m*k = 0 + 64 = 64 elements, has 63 (m=8, n=16, k=8)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(2, 2, 2, new double[4], null, 0, false, new float[4], 0, false,
                        new double[4], 1, false));
        assertEquals("gemm: array c too short: needs cOffset + m*n = 1 + 4 = 5 elements, has 4 (m=2, n=2, k=2)",
                e.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Gemm.multiplySingle(8, 16, 8, new double[64], null, 0, false, null, 0, false, new double[128],
                        0, false));
        assertEquals("gemm: b is null", npe.getMessage());
    }

    @Test
    void productOfOperandsGivenEitherWayChecksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(8, 16, 8, null, new float[64], 0, false, null, new float[128], 0, false,
                        new double[128], new float[128], 0, false));
        assertEquals("gemm: c must be given either as doubles or as floats, not both (m=8, n=16, k=8)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(8, 16, 8, null, new float[64], 0, false, null, new float[128], 0, false,
                        null, null, 0, false));
        assertEquals("gemm: c must be given either as doubles or as floats, not neither (m=8, n=16, k=8)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(8, 16, 8, null, new float[63], 0, false, new double[128], null, 0, false,
                        null, new float[128], 0, false));
        assertEquals("gemm: array a too short: needs aOffset + m*k = 0 + 64 = 64 elements, has 63 (m=8, n=16, k=8)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(8, 16, 8, new double[64], new float[65], 0, false, new double[128], null, 0,
                        false, null, new float[128], 0, false));
        assertEquals("gemm: aFloats has 65 elements, a has 64: a float copy must hold the same values at the same "
                + "indices", e.getMessage());
        float[] shared = new float[256];
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingle(8, 16, 8, null, new float[64], 0, false, null, shared, 0, false, null, shared,
                        64, false));
        assertEquals("gemm: c [64, 192) overlaps bFloats [0, 128) in the same array", e.getMessage());
        double[] sharedDoubles = new double[64 * 64 + 64 * 8];
        e = assertThrows(IllegalArgumentException.class, // a tall, narrow C: the transposed path checks it too
                () -> Gemm.multiplySingle(64, 8, 64, sharedDoubles, null, 0, false, null, new float[512], 0, false,
                        sharedDoubles, null, 100, false));
        assertEquals("gemm: c [100, 612) overlaps a [0, 4096) in the same array", e.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Gemm.multiplySingle(8, 16, 8, null, null, 0, false, null, new float[128], 0, false, null,
                        new float[128], 0, false));
        assertEquals("gemm: a is null", npe.getMessage());
    }

    @Test
    void productIntoAFloatCChecksItsArguments() {
        // 8×16×8 packs float panels; 2×2×2 computes in a double copy of C: both check the same way
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingleToFloats(8, 16, 8, new double[64], null, 0, false, new double[128], 0, false,
                        new float[127], 0, false));
        assertEquals("gemm: array c too short: needs cOffset + m*n = 0 + 128 = 128 elements, has 127 (m=8, n=16, k=8)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingleToFloats(8, 16, 8, new double[64], null, 0, false, new double[127], 0, false,
                        new float[128], 0, false));
        assertEquals("gemm: array b too short: needs bOffset + k*n = 0 + 128 = 128 elements, has 127 (m=8, n=16, k=8)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingleToFloats(2, 2, 2, new double[3], null, 0, false, new double[4], 0, false,
                        new float[4], 0, false));
        assertEquals("gemm: array a too short: needs aOffset + m*k = 0 + 4 = 4 elements, has 3 (m=2, n=2, k=2)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplySingleToFloats(8, 16, -1, new double[64], null, 0, false, new double[128], 0, false,
                        new float[128], 0, false));
        assertEquals("gemm: sizes must be >= 0, got m=8, n=16, k=-1", e.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Gemm.multiplySingleToFloats(8, 16, 8, new double[64], null, 0, false, new double[128], 0, false,
                        null, 0, false));
        assertEquals("gemm: c is null", npe.getMessage());
        npe = assertThrows(NullPointerException.class,
                () -> Gemm.multiplySingleToFloats(8, 16, 8, new double[64], null, 0, false, null, 0, false,
                        new float[128], 0, false));
        assertEquals("gemm: b is null", npe.getMessage());
    }

    @Test
    void naiveReferenceChecksItsArgumentsToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplyNaive(-1, 1, 1, new double[1], 0, false, new double[1], 0, false, new double[1], 0,
                        false));
        assertTrue(e.getMessage().startsWith("gemm: sizes must be >= 0"), e.getMessage());
    }

    @Test
    void rejectsNullArrays() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Gemm.multiply(1, 1, 1, new double[1], 0, false, null, 0, false, new double[1], 0, false));
        assertEquals("gemm: b is null", e.getMessage());
    }
}
