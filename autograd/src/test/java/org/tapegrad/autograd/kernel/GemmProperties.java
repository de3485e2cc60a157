package org.tapegrad.autograd.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Gemm#multiply} agrees with {@link Gemm#multiplyNaive} on every layout, size, offset and
 * precision.
 */
class GemmProperties {

    /**
     * Allowed difference from the naive product, relative to {@code k·max|a|·max|b|} (plus
     * {@code max|C|} when accumulating): both sums have rounding error below {@code k·ε} of that.
     */
    static final double RELATIVE_TOLERANCE = 1e-12;
    /** The bound of a float sum of k terms: {@code (k + 2)·u} relative, u = 2⁻²⁴ the unit roundoff of float. */
    static final double FLOAT_UNIT_ROUNDOFF = Math.ulp(1.0f) / 2;

    /** One product to check: sizes, layouts, offsets into the arrays, and a seed for the values. */
    record Case(Precision precision, int m, int n, int k, boolean transA, boolean transB, boolean accumulate,
            int aOffset, int bOffset, int cOffset, long seed) {
    }

    @Property(tries = 600)
    void smallProductsMatchNaive(@ForAll("smallCases") Case c) {
        check(c);
    }

    /** Sizes past the panel sizes (256), on two threads: exercises the packed, blocked, split path. */
    @Property(tries = 12)
    void largeProductsOnTwoThreadsMatchNaive(@ForAll("largeCases") Case c) {
        checkOnTwoThreads(c);
    }

    /**
     * A transposed B shared by two threads, each packing part of its depth (p from a nonzero row) and
     * widths that leave a remainder after the 16- or 8-row transposing passes.
     */
    @Property(tries = 10)
    void transposedBPackedByTwoThreadsMatchesNaive(@ForAll("transposedSharedCases") Case c) {
        checkOnTwoThreads(c);
    }

    private static void checkOnTwoThreads(Case c) {
        int previous = Parallelism.threads();
        Parallelism.setThreads(2);
        try {
            check(c);
        } finally {
            Parallelism.setThreads(previous);
        }
    }

    @Provide
    Arbitrary<Case> transposedSharedCases() {
        Arbitrary<Integer> m = Arbitraries.integers().between(160, 260);
        Arbitrary<Integer> n = Arbitraries.integers().between(130, 159);
        Arbitrary<Integer> k = Arbitraries.integers().between(60, 300);
        Arbitrary<Boolean> flag = Arbitraries.of(false, true);
        return Combinators.combine(Arbitraries.of(Precision.class), m, n, k, flag, flag, Arbitraries.longs())
                .as((p, mm, nn, kk, ta, acc, seed) -> new Case(p, mm, nn, kk, ta, true, acc, 1, 2, 3, seed));
    }

    @Provide
    Arbitrary<Case> smallCases() {
        return cases(Arbitraries.integers().between(0, 70));
    }

    @Provide
    Arbitrary<Case> largeCases() {
        return cases(Arbitraries.integers().between(1, 300));
    }

    private static Arbitrary<Case> cases(Arbitrary<Integer> size) {
        Arbitrary<int[]> dims = Combinators.combine(size, size, size).as((m, n, k) -> new int[] {m, n, k});
        Arbitrary<Integer> offset = Arbitraries.integers().between(0, 3);
        Arbitrary<int[]> offsets = Combinators.combine(offset, offset, offset).as((a, b, c) -> new int[] {a, b, c});
        Arbitrary<Boolean> flag = Arbitraries.of(false, true);
        return Combinators.combine(Arbitraries.of(Precision.class), dims, offsets, flag, flag, flag, Arbitraries.longs())
                .as((p, d, o, ta, tb, acc, seed) -> new Case(p, d[0], d[1], d[2], ta, tb, acc, o[0], o[1], o[2],
                        seed));
    }

    /**
     * Runs both implementations on the same random data and compares everything they may touch. In
     * single precision the data are float values (as float32 tensors hold), the naive product is still
     * summed in double, and the result must be float values within float summation error of it. When
     * the data are float values (always in single precision, for half the seeds in double), the product
     * given float copies of A and B must equal the one without, bit for bit, and so must the single-precision
     * product of B given only as floats ({@link Gemm#multiplySingle}) and the one written into a float C
     * ({@link Gemm#multiplySingleToFloats}).
     */
    static void check(Case t) {
        Random rnd = new Random(t.seed());
        int aSize = t.m() * t.k();
        int bSize = t.k() * t.n();
        int cSize = t.m() * t.n();
        boolean single = t.precision() == Precision.SINGLE;
        boolean floatData = single || (t.seed() & 1) == 0;
        // different magnitudes per operand, and a tail after each matrix that must not be read or written
        double[] a = random(rnd, t.aOffset() + aSize + 2, 1.0, floatData);
        double[] b = random(rnd, t.bOffset() + bSize + 2, 3.0, floatData);
        double[] c = random(rnd, t.cOffset() + cSize + 2, 5.0, floatData);
        double[] a0 = a.clone();
        double[] b0 = b.clone();
        double[] expected = c.clone();
        Gemm.multiplyNaive(t.m(), t.n(), t.k(), a, t.aOffset(), t.transA(), b, t.bOffset(), t.transB(), expected,
                t.cOffset(), t.accumulate());
        double[] actual = c.clone();
        Gemm.multiply(t.precision(), t.m(), t.n(), t.k(), a, t.aOffset(), t.transA(), b, t.bOffset(), t.transB(),
                actual, t.cOffset(), t.accumulate());

        if (floatData) {
            double[] withCopies = c.clone();
            Gemm.multiply(t.precision(), t.m(), t.n(), t.k(), a, toFloats(a), t.aOffset(), t.transA(), b, toFloats(b),
                    t.bOffset(), t.transB(), withCopies, t.cOffset(), t.accumulate());
            assertArrayEquals(actual, withCopies, "the product read from float copies differs for " + t);
        }
        if (single) {
            // B given only as floats (a float32 column matrix): the same result, whichever path the shape takes
            double[] fromFloatB = c.clone();
            Gemm.multiplySingle(t.m(), t.n(), t.k(), a, (t.seed() & 2) == 0 ? null : toFloats(a), t.aOffset(),
                    t.transA(), toFloats(b), t.bOffset(), t.transB(), fromFloatB, t.cOffset(), t.accumulate());
            assertArrayEquals(actual, fromFloatB, "the product of B given only as floats differs for " + t);
            // C as floats (a float32 column-matrix gradient): the same values, whichever path the shape takes
            float[] floatC = toFloats(c);
            Gemm.multiplySingleToFloats(t.m(), t.n(), t.k(), a, (t.seed() & 4) == 0 ? null : toFloats(a),
                    t.aOffset(), t.transA(), b, t.bOffset(), t.transB(), floatC, t.cOffset(), t.accumulate());
            for (int i = 0; i < c.length; i++) {
                assertEquals(actual[i], floatC[i], 0.0, "the product into a float C differs at " + i + " for " + t);
            }
            // every operand as doubles, floats or both (A, B) and C either way, as seed bits 3 to 7 choose
            int form = (int) (t.seed() >>> 3);
            boolean aDoubles = (form & 3) != 1;
            boolean aFloats = (form & 3) != 0;
            boolean bDoubles = (form >>> 2 & 3) != 1;
            boolean bFloats = (form >>> 2 & 3) != 0;
            boolean cAsFloats = (form & 16) != 0;
            double[] mixedC = c.clone();
            float[] mixedFloatC = toFloats(c);
            Gemm.multiplySingle(t.m(), t.n(), t.k(), aDoubles ? a : null, aFloats ? toFloats(a) : null, t.aOffset(),
                    t.transA(), bDoubles ? b : null, bFloats ? toFloats(b) : null, t.bOffset(), t.transB(),
                    cAsFloats ? null : mixedC, cAsFloats ? mixedFloatC : null, t.cOffset(), t.accumulate());
            for (int i = 0; i < c.length; i++) {
                assertEquals(actual[i], cAsFloats ? mixedFloatC[i] : mixedC[i], 0.0, "the product of operands given as "
                        + (aDoubles ? "d" : "") + (aFloats ? "f" : "") + "·" + (bDoubles ? "d" : "") + (bFloats ? "f" : "")
                        + " into " + (cAsFloats ? "floats" : "doubles") + " differs at " + i + " for " + t);
            }
        }
        assertArrayEquals(a0, a, "A must not be modified");
        assertArrayEquals(b0, b, "B must not be modified");
        double scale = t.k() * maxAbs(a) * maxAbs(b) + (t.accumulate() ? maxAbs(c) : 0.0);
        double relative = single ? (t.k() + 2) * FLOAT_UNIT_ROUNDOFF : RELATIVE_TOLERANCE;
        double tolerance = relative * Math.max(scale, Double.MIN_NORMAL);
        for (int i = 0; i < c.length; i++) {
            boolean inC = i >= t.cOffset() && i < t.cOffset() + cSize;
            if (inC) {
                int at = i;
                double diff = Math.abs(actual[i] - expected[i]);
                assertTrue(diff <= tolerance, () -> "C differs at " + at + ": " + actual[at] + " vs naive "
                        + expected[at] + " (tolerance " + tolerance + ") for " + t);
                if (single) {
                    assertEquals((float) actual[i], actual[i], 0.0, () -> "C[" + at + "] is not a float for " + t);
                }
            } else {
                assertEquals(c[i], actual[i], 0.0, "element " + i + " outside C was modified");
            }
        }
    }

    static double[] random(Random rnd, int size, double scale) {
        return random(rnd, size, scale, false);
    }

    /** Uniform values in (−scale, scale), rounded to float when {@code floats}. */
    static double[] random(Random rnd, int size, double scale, boolean floats) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            double x = (rnd.nextDouble() * 2 - 1) * scale;
            v[i] = floats ? (float) x : x;
        }
        return v;
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double maxAbs(double[] v) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }
}
