package org.tapegrad.autograd.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable n-dimensional array as stored in a NumPy {@code .npy} file: an element type, a
 * shape and the elements in C order (row-major: the last index changes fastest).
 *
 * <p>Floating-point types ({@link NpyType#FLOAT32}, {@link NpyType#FLOAT64}) hold their elements
 * as {@code double}s; a FLOAT32 array holds only values that are exactly representable as
 * {@code float}. Integer types and {@link NpyType#BOOL} hold their elements as {@code long}s, bools
 * as 0 (false) and 1 (true).
 *
 * <p>The shape may be empty: a 0-d array (a scalar) has shape {@code []} and exactly one element.
 * A dimension of size 0 is allowed and gives an array with no elements, e.g. shape {@code [0, 3]}.
 * Arrays have at most {@link #MAX_DIMS} dimensions and {@link #MAX_ELEMENTS} elements.
 *
 * <p>Instances never change: every factory copies the arrays it is given, and every accessor
 * returns a fresh copy, so changing an array you passed in or got back has no effect on this value.
 */
public final class NpyArray {

    /** The most dimensions an array may have; the same limit as NumPy 2. */
    public static final int MAX_DIMS = 64;

    /** The most elements an array may have: the largest size of a Java array on common JVMs. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Elements shown by {@link #toString()} before it stops with "...". */
    private static final int ELEMENTS_SHOWN = 10;

    private final NpyType type;
    private final int[] shape;
    /** The elements of a floating-point array; null for integer and bool arrays. */
    private final double[] doubles;
    /** The elements of an integer or bool array; null for floating-point arrays. */
    private final long[] longs;

    /** Takes ownership of the given arrays (no copies); exactly one of doubles and longs is non-null. */
    private NpyArray(NpyType type, int[] shape, double[] doubles, long[] longs) {
        this.type = type;
        this.shape = shape;
        this.doubles = doubles;
        this.longs = longs;
        int dataLength = doubles != null ? doubles.length : longs.length;
        int needed = checkShape(shape);
        if (dataLength != needed) {
            throw new IllegalArgumentException("data has " + dataLength + " elements but shape "
                    + shapeToString(shape) + " needs " + needed);
        }
    }

    /**
     * Creates a {@link NpyType#FLOAT64} array.
     *
     * @param data the elements in C order; copied, not kept
     * @param shape the dimensions; copied, not kept; none for a 0-d array
     * @return the new array
     * @throws IllegalArgumentException if a dimension is negative, the shape is too large, or
     *     {@code data.length} differs from the product of the dimensions
     * @throws NullPointerException if {@code data} or {@code shape} is null
     */
    public static NpyArray ofFloat64(double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new NpyArray(NpyType.FLOAT64, copyOfShape(shape), data.clone(), null);
    }

    /**
     * Creates a {@link NpyType#FLOAT32} array. Each value is rounded to the nearest {@code float},
     * as NumPy does when it converts to {@code float32}; the array holds the rounded values.
     *
     * @param data the elements in C order; not modified and not kept
     * @param shape the dimensions; copied, not kept; none for a 0-d array
     * @return the new array
     * @throws IllegalArgumentException if a dimension is negative, the shape is too large, or
     *     {@code data.length} differs from the product of the dimensions
     * @throws NullPointerException if {@code data} or {@code shape} is null
     */
    public static NpyArray ofFloat32(double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        double[] rounded = new double[data.length];
        for (int i = 0; i < data.length; i++) {
            rounded[i] = (float) data[i];
        }
        return new NpyArray(NpyType.FLOAT32, copyOfShape(shape), rounded, null);
    }

    /**
     * Creates an {@link NpyType#INT64} array.
     *
     * @param data the elements in C order; copied, not kept
     * @param shape the dimensions; copied, not kept; none for a 0-d array
     * @return the new array
     * @throws IllegalArgumentException if a dimension is negative, the shape is too large, or
     *     {@code data.length} differs from the product of the dimensions
     * @throws NullPointerException if {@code data} or {@code shape} is null
     */
    public static NpyArray ofInt64(long[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new NpyArray(NpyType.INT64, copyOfShape(shape), null, data.clone());
    }

    /**
     * Creates an {@link NpyType#INT32} array.
     *
     * @param data the elements in C order; not modified and not kept
     * @param shape the dimensions; copied, not kept; none for a 0-d array
     * @return the new array
     * @throws IllegalArgumentException if a dimension is negative, the shape is too large, or
     *     {@code data.length} differs from the product of the dimensions
     * @throws NullPointerException if {@code data} or {@code shape} is null
     */
    public static NpyArray ofInt32(int[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        long[] widened = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            widened[i] = data[i];
        }
        return new NpyArray(NpyType.INT32, copyOfShape(shape), null, widened);
    }

    /**
     * Creates a {@link NpyType#BOOL} array.
     *
     * @param data the elements in C order; not modified and not kept
     * @param shape the dimensions; copied, not kept; none for a 0-d array
     * @return the new array
     * @throws IllegalArgumentException if a dimension is negative, the shape is too large, or
     *     {@code data.length} differs from the product of the dimensions
     * @throws NullPointerException if {@code data} or {@code shape} is null
     */
    public static NpyArray ofBool(boolean[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        long[] zerosAndOnes = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            zerosAndOnes[i] = data[i] ? 1 : 0;
        }
        return new NpyArray(NpyType.BOOL, copyOfShape(shape), null, zerosAndOnes);
    }

    /**
     * Creates a floating-point array that takes ownership of {@code data} without copying it. For
     * the reader, which has just filled a fresh array; FLOAT32 values must already be floats.
     */
    static NpyArray wrapDoubles(NpyType type, double[] data, int[] shape) {
        if (!type.isFloatingPoint()) {
            throw new IllegalArgumentException(type + " is not a floating-point type");
        }
        return new NpyArray(type, shape.clone(), data, null);
    }

    /**
     * Creates an integer or bool array that takes ownership of {@code data} without copying it. For
     * the reader; INT32 values must fit an int and BOOL values must be 0 or 1.
     */
    static NpyArray wrapLongs(NpyType type, long[] data, int[] shape) {
        if (type.isFloatingPoint()) {
            throw new IllegalArgumentException(type + " is a floating-point type");
        }
        return new NpyArray(type, shape.clone(), null, data);
    }

    /**
     * Returns the element type.
     *
     * @return the type, never null
     */
    public NpyType type() {
        return type;
    }

    /**
     * Returns the dimensions; empty for a 0-d array.
     *
     * @return a new copy of the shape, which the caller may change freely
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of dimensions, the length of {@link #shape()}.
     *
     * @return 0 for a 0-d array
     */
    public int ndim() {
        return shape.length;
    }

    /**
     * Returns the number of elements: the product of the dimensions, 1 for a 0-d array.
     *
     * @return the element count
     */
    public int numel() {
        return doubles != null ? doubles.length : longs.length;
    }

    /**
     * Returns the elements in C order as {@code double}s. Works for every type: integers are
     * converted (integers beyond 2<sup>53</sup> in magnitude lose precision), bools become 0.0 and
     * 1.0.
     *
     * @return a new array, which the caller may change freely
     */
    public double[] toDoubleArray() {
        if (doubles != null) {
            return doubles.clone();
        }
        double[] converted = new double[longs.length];
        for (int i = 0; i < longs.length; i++) {
            converted[i] = longs[i];
        }
        return converted;
    }

    /**
     * Returns the elements of an integer or bool array in C order; bools are 0 and 1.
     *
     * @return a new array, which the caller may change freely
     * @throws IllegalStateException if this is a floating-point array (the message names the type);
     *     use {@link #toDoubleArray()} for those
     */
    public long[] toLongArray() {
        if (longs == null) {
            throw new IllegalStateException("toLongArray() needs an integer or bool array, but this array is "
                    + type + "; use toDoubleArray()");
        }
        return longs.clone();
    }

    /** The elements of a floating-point array, not copied: callers must not modify it. */
    double[] internalDoubles() {
        return doubles;
    }

    /** The elements of an integer or bool array, not copied: callers must not modify it. */
    long[] internalLongs() {
        return longs;
    }

    /**
     * Two arrays are equal when they have the same type, shape and elements. Doubles are compared
     * as by {@link Double#equals}: NaN equals NaN, and 0.0 differs from -0.0.
     *
     * @param other the object to compare with
     * @return true if {@code other} is an equal {@code NpyArray}
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof NpyArray)) {
            return false;
        }
        NpyArray that = (NpyArray) other;
        return type == that.type
                && Arrays.equals(shape, that.shape)
                && Arrays.equals(doubles, that.doubles)
                && Arrays.equals(longs, that.longs);
    }

    /**
     * Returns a hash code consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        int hash = type.hashCode();
        hash = 31 * hash + Arrays.hashCode(shape);
        hash = 31 * hash + Arrays.hashCode(doubles);
        hash = 31 * hash + Arrays.hashCode(longs);
        return hash;
    }

    /**
     * Returns a short description with the type, the shape and the first few elements, e.g.
     * {@code NpyArray[FLOAT64, shape (2, 3), data [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]]}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append("NpyArray[").append(type).append(", shape ").append(shapeToString(shape)).append(", data [");
        int shown = Math.min(numel(), ELEMENTS_SHOWN);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(doubles != null ? String.valueOf(doubles[i]) : String.valueOf(longs[i]));
        }
        if (numel() > shown) {
            text.append(", ...");
        }
        return text.append("]]").toString();
    }

    /**
     * Formats a shape the way Python prints a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}. This
     * is also exactly how the shape appears in a {@code .npy} header.
     */
    static String shapeToString(int[] shape) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(shape[i]);
        }
        if (shape.length == 1) {
            text.append(',');
        }
        return text.append(')').toString();
    }

    /**
     * Checks a shape and returns its element count.
     *
     * @throws IllegalArgumentException if the shape has a negative dimension, more than
     *     {@link #MAX_DIMS} dimensions or more than {@link #MAX_ELEMENTS} elements
     */
    static int checkShape(int[] shape) {
        if (shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("shape has " + shape.length
                    + " dimensions, more than the maximum of " + MAX_DIMS);
        }
        boolean hasZeroDimension = false;
        for (int dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("shape " + shapeToString(shape) + " has a negative dimension");
            }
            if (dimension == 0) {
                hasZeroDimension = true;
            }
        }
        if (hasZeroDimension) {
            return 0;
        }
        long count = 1;
        for (int dimension : shape) {
            // count <= MAX_ELEMENTS and dimension < 2^31 here, so the product cannot overflow a long
            count *= dimension;
            if (count > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + shapeToString(shape)
                        + " has more than " + MAX_ELEMENTS + " elements, the most an array can hold");
            }
        }
        return (int) count;
    }

    private static int[] copyOfShape(int[] shape) {
        return Objects.requireNonNull(shape, "shape").clone();
    }
}
