package org.tapegrad.autograd.testing;

/** Named tolerances for comparisons in tests. */
public final class Tolerances {
    /** Exact algebra in float64 that only reorders a few operations. */
    public static final double FLOAT64_TIGHT = 1e-12;
    /** float32 results compared with float64 references. */
    public static final double FLOAT32_RELATIVE = 1e-5;
    /** Float64 results of thousands of chained roundings (each at most half an ulp). */
    public static final double FLOAT64_LONG_CHAIN = 1e-10;

    private Tolerances() {
    }

    /** Asserts that two arrays agree elementwise within {@code atol + rtol·|expected|}. */
    public static void assertClose(double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + " != expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean same = Double.compare(e, a) == 0;
            if (!same && !(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                throw new AssertionError("element " + i + ": expected " + e + " but was " + a + " (atol " + atol
                        + ", rtol " + rtol + ")");
            }
        }
    }
}
