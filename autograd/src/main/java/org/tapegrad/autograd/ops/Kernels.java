package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Tensor;

/** Small helpers shared by the kernels. */
public final class Kernels {
    private Kernels() {
    }

    /**
     * The elements of {@code t} in row-major order, in an array of exactly {@code t.numel()} elements:
     * the storage array itself when it already is that (no copy), otherwise a fresh copy. Callers must
     * treat the result as read-only.
     */
    public static double[] rowMajor(Tensor t) {
        double[] data = t.storageArray();
        if (t.isContiguous() && t.storageOffset() == 0 && data.length == t.numel()) {
            return data;
        }
        return t.toDoubleArray();
    }

    /**
     * {@code Σ a[i]} for {@code from ≤ i < to}, with four interleaved partial sums: one running sum waits
     * for each addition to finish (about 4 cycles), four independent ones keep the adder busy, so this is
     * about 4 times faster than a left-to-right sum. The result agrees with it up to rounding.
     *
     * @param a not modified
     */
    public static double sum(double[] a, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
