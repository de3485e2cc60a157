package org.tapegrad.autograd;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every operation: element counts, row-major strides, dimension
 * normalisation and NumPy broadcasting. All methods are pure; arrays passed in are not modified.
 */
public final class Shapes {
    /** Tensors larger than this many elements are refused: Java arrays are indexed by int. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Shapes() {
    }

    /** Formats a shape as PyTorch prints a size list: {@code [2, 3]}. */
    public static String format(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Number of elements of a shape, the product of its sizes (1 for the 0-d shape {@code []}).
     *
     * @throws IllegalArgumentException naming {@code op} if a size is negative or the product overflows
     */
    public static int numel(String op, int[] shape) {
        long n = 1;
        for (int size : shape) {
            if (size < 0) {
                throw new IllegalArgumentException(op + ": negative size " + size + " in shape " + format(shape));
            }
            n *= size;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException(op + ": shape " + format(shape) + " has more than "
                        + MAX_ELEMENTS + " elements");
            }
        }
        return (int) n;
    }

    /** Row-major (C order) strides of a shape: the last dimension has stride 1. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /**
     * Maps a possibly negative dimension index onto {@code [0, rank)}, as PyTorch does ({@code -1} is the
     * last dimension).
     *
     * @throws IndexOutOfBoundsException naming {@code op}, the dimension and the valid range
     */
    public static int normalizeDim(String op, int dim, int rank) {
        int lo = rank == 0 ? -1 : -rank;
        int hi = rank == 0 ? 0 : rank - 1;
        if (dim < lo || dim > hi) {
            throw new IndexOutOfBoundsException(op + ": dimension out of range (expected to be in range of ["
                    + lo + ", " + hi + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + Math.max(rank, 1) : dim;
    }

    /**
     * Normalises a list of dimensions and marks them in a boolean mask of length {@code rank}.
     *
     * @throws IllegalArgumentException if a dimension appears twice
     */
    public static boolean[] dimMask(String op, int[] dims, int rank) {
        boolean[] mask = new boolean[rank];
        for (int dim : dims) {
            int d = normalizeDim(op, dim, rank);
            if (rank == 0) {
                continue;
            }
            if (mask[d]) {
                throw new IllegalArgumentException(op + ": dim " + d + " appears multiple times in the list of dims "
                        + Arrays.toString(dims));
            }
            mask[d] = true;
        }
        return mask;
    }

    /**
     * The NumPy broadcast of two shapes: align at the right; each pair of sizes must be equal or one of
     * them 1.
     *
     * @throws ShapeException naming {@code op}, both shapes and the first dimension that does not match
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int sa = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int sb = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (sa != sb && sa != 1 && sb != 1) {
                throw new ShapeException(op + ": shapes " + format(a) + " and " + format(b)
                        + " cannot be broadcast: the size of dimension " + i + " of the result would have to be "
                        + sa + " and " + sb);
            }
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** Whether {@code from} can be broadcast (expanded) to {@code to}. */
    public static boolean isBroadcastableTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        int lead = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != 1 && from[i] != to[lead + i]) {
                return false;
            }
        }
        return true;
    }

    /** A copy of {@code shape} with the size at {@code dim} removed. */
    public static int[] remove(int[] shape, int dim) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** A copy of {@code shape} with {@code size} inserted at {@code dim}. */
    public static int[] insert(int[] shape, int dim, int size) {
        int[] out = new int[shape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == dim ? size : shape[j++];
        }
        return out;
    }
}
