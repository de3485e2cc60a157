package org.tapegrad.nn;

/**
 * A (height, width) pair of integers: a kernel size, stride, padding or dilation of a 2-D layer, as
 * PyTorch's {@code _pair} makes from an int or a tuple. Prints as a Python tuple, {@code (3, 3)}.
 *
 * <p>This class is immutable.
 *
 * @param height the value for the height (rows) dimension
 * @param width the value for the width (columns) dimension
 */
public record IntPair(int height, int width) {

    /** {@code (value, value)}, as {@code _pair(value)}. */
    public static IntPair of(int value) {
        return new IntPair(value, value);
    }

    /** {@code (height, width)}. */
    public static IntPair of(int height, int width) {
        return new IntPair(height, width);
    }

    /** {@code {height, width}}, the form the functional ops take. */
    public int[] toArray() {
        return new int[] {height, width};
    }

    /** Whether both values are at least {@code min}. */
    boolean allAtLeast(int min) {
        return height >= min && width >= min;
    }

    /** As Python prints the tuple: {@code (3, 3)}. */
    @Override
    public String toString() {
        return "(" + height + ", " + width + ")";
    }

    /** As PyTorch's pooling layers print a size given as an int or a tuple: {@code 2} or {@code (2, 3)}. */
    String toCompactString() {
        return height == width ? Integer.toString(height) : toString();
    }
}
