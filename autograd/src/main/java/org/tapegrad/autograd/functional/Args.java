package org.tapegrad.autograd.functional;

import java.util.Arrays;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/** Argument checks shared by the functional ops; every message starts with the op's name. */
final class Args {
    private Args() {
    }

    /**
     * An (h, w) pair from PyTorch's "an int or a tuple": {@code {v}} means {@code (v, v)}.
     *
     * @param values not modified
     * @return a new array of length 2
     * @throws IllegalArgumentException if {@code values} is null or has a length other than 1 or 2
     */
    static int[] pair(String op, String name, int[] values) {
        if (values == null || values.length < 1 || values.length > 2) {
            throw new IllegalArgumentException(op + ": " + name + " must be one int or a pair (h, w), but got "
                    + (values == null ? "null" : Arrays.toString(values)));
        }
        return values.length == 1 ? new int[] {values[0], values[0]} : values.clone();
    }

    /** Requires {@code other} (when not null) to have the dtype of {@code input}. */
    static void sameType(String op, String inputName, Tensor input, String otherName, Tensor other) {
        if (other != null && other.dtype() != input.dtype()) {
            throw new IllegalArgumentException(op + ": " + inputName + " and " + otherName
                    + " must have the same dtype, but got " + inputName + " " + input.dtype() + " "
                    + Shapes.format(input.shape()) + " and " + otherName + " " + other.dtype() + " "
                    + Shapes.format(other.shape()) + "; convert one with to(dtype)");
        }
    }

    /** Requires {@code t} (when not null) to be 1-D of the given length. */
    static void vectorOfLength(String op, String name, Tensor t, int length, String what) {
        if (t != null && (t.dim() != 1 || t.size(0) != length)) {
            throw new ShapeException(op + ": expected " + name + " of size [" + length + "] ("
                    + what + "), but got " + name + " of size " + Shapes.format(t.shape()));
        }
    }

    /** {@code ⌈a / b⌉} for {@code b > 0} and any sign of {@code a}. */
    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
