package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.kernel.Precision;

/** Small helpers shared by the kernels. */
public final class Kernels {
    /** Values a thread should get at least before {@link #roundAll} splits the work. */
    static final int PARALLEL_MIN_VALUES = 1 << 16;

    private Kernels() {
    }

    /**
     * The arithmetic of matrix products over tensors of {@code type}: float32 products are formed in
     * float, as PyTorch's float32 kernels form them (twice the vector width of double), and their results
     * are float32 values already, so kernels wrap them with {@link Tensor#wrapExact}.
     */
    public static Precision precision(DType type) {
        return type == DType.FLOAT32 ? Precision.SINGLE : Precision.DOUBLE;
    }

    /**
     * The elements of {@code t} in row-major order, in an array of exactly {@code t.numel()} elements:
     * the storage array itself when it already is that (no copy; for a tensor held as floats, the double
     * array that {@link Tensor#storageArray()} makes once and keeps), otherwise a fresh copy. Callers must
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
     * Whether a float32 kernel can read {@code t} as {@code t.storageFloats()} in row-major order at no
     * cost: t is float32, holds its values as floats ({@link Tensor#hasStorageFloats()}) and is its whole
     * storage, contiguous from offset 0.
     */
    public static boolean isWholeFloats(Tensor t) {
        return t.dtype() == DType.FLOAT32 && t.hasStorageFloats() && t.isContiguous() && t.storageOffset() == 0
                && t.storageSize() == t.numel();
    }

    /**
     * A float32 tensor's elements as floats in row-major order, for a kernel that computes in floats: its
     * storage's floats when it holds them ({@link #isWholeFloats}), else a new array, converted across
     * {@link Parallelism} when large (not kept: a tensor held as doubles is usually read once).
     *
     * @throws IllegalArgumentException if t is not float32
     */
    public static float[] rowMajorFloats(Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("rowMajorFloats: only float32 tensors have float values, this one is "
                    + t.dtype());
        }
        if (isWholeFloats(t)) {
            return t.storageFloats();
        }
        double[] values = rowMajor(t);
        float[] floats = new float[values.length];
        Parallelism.parallelFor(0, values.length, PARALLEL_MIN_VALUES, (from, to) -> {
            for (int i = from; i < to; i++) {
                floats[i] = (float) values[i]; // exact: float32 values
            }
        });
        return floats;
    }

    /**
     * The float copy of {@code t}'s storage ({@link Tensor#storageFloats()}) for a matrix product to read
     * instead of {@code values}, or null when {@code t} is not float32 or {@code values} is not its
     * storage (a copy is already read once).
     *
     * @param values the array the product reads {@code t} from: its storage, or a copy
     */
    public static float[] floatCopy(Tensor t, double[] values) {
        if (t.dtype() != DType.FLOAT32 || values != t.storageArray()) {
            return null;
        }
        return t.storageFloats();
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

    /** {@link #sum(double[], int, int)} of floats, summed in double in the same order: the same value. */
    public static double sum(float[] a, int from, int to) {
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

    /**
     * Rounds {@code a[from, to)} to {@code type} in place ({@link DType#roundInPlace(double[], int, int)}).
     * Kernels call this right after computing a part of their output, while it is still in cache, and
     * then wrap the output with {@link Tensor#wrapExact}.
     *
     * @param a modified; a no-op for FLOAT64
     */
    public static void round(DType type, double[] a, int from, int to) {
        type.roundInPlace(a, from, to);
    }

    /** {@link #round} over the whole array, split across {@link Parallelism} when it is large. */
    public static void roundAll(DType type, double[] a) {
        if (type == DType.FLOAT32) {
            Parallelism.parallelFor(0, a.length, PARALLEL_MIN_VALUES, (from, to) -> round(type, a, from, to));
        }
    }
}
