package org.tapegrad.autograd;

import org.tapegrad.autograd.kernel.FloatRounding;

/**
 * The element type of a {@link Tensor}.
 *
 * <p><b>One storage design for both types.</b> Every tensor stores its elements in a {@code double[]}.
 * A {@link #FLOAT32} tensor holds only values that are exactly representable as {@code float}: each
 * kernel computes in double precision and then rounds its output with {@link #roundInPlace}. For the
 * operations IEEE 754 specifies exactly (+, −, ×, ÷, √), computing in double and rounding once to float
 * gives the same bits as float arithmetic, and overflow past {@link Float#MAX_VALUE} becomes ±Infinity
 * exactly where float arithmetic overflows. Reductions accumulate in double before the final rounding,
 * so they are at least as accurate as PyTorch's float32 kernels. This keeps one kernel per operation
 * instead of one per type. The exception is the large matrix products (linear layers, matmul,
 * convolutions), where the cost is in the arithmetic: they sum in float, as PyTorch's do, twice as
 * fast (see {@code kernel.Precision}).
 */
public enum DType {
    /** IEEE 754 binary32, PyTorch's default {@code torch.float32}. */
    FLOAT32("float32", 4),
    /** IEEE 754 binary64, {@code torch.float64}. */
    FLOAT64("float64", 8);

    private final String displayName;
    private final int itemSize;

    DType(String displayName, int itemSize) {
        this.displayName = displayName;
        this.itemSize = itemSize;
    }

    /** The default type of new tensors, as in PyTorch. */
    public static DType defaultType() {
        return FLOAT32;
    }

    /** Size of one element in bytes in the type's native representation (4 or 8). */
    public int itemSize() {
        return itemSize;
    }

    /** Rounds one value to this type: {@code (float) v} for FLOAT32, unchanged for FLOAT64. */
    public double round(double v) {
        return this == FLOAT32 ? (double) (float) v : v;
    }

    /**
     * Rounds {@code data[from, to)} to this type in place, {@code data[i] = (float) data[i]} for FLOAT32
     * (through {@link FloatRounding}, which the JIT vectorises); a no-op for FLOAT64.
     *
     * @param data modified
     */
    public void roundInPlace(double[] data, int from, int to) {
        if (this == FLOAT32) {
            FloatRounding.round(data, from, to);
        }
    }

    /** Rounds the whole array in place; see {@link #roundInPlace(double[], int, int)}. */
    public void roundInPlace(double[] data) {
        roundInPlace(data, 0, data.length);
    }

    @Override
    public String toString() {
        return displayName;
    }
}
