package org.tapegrad.init;

import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * The fan-in and fan-out of a weight: how many inputs feed each output, and how many outputs each input
 * feeds. Three libraries define them from a shape; for the weights of corresponding layers all three give
 * the same numbers.
 *
 * <h2>PyTorch ({@link #of(int...)}), tapegrad's layout {@code (out, in, k1, …, kN)}</h2>
 * <pre>
 *   receptive_field = Π shape[2..]          (1 for a 2-D weight)
 *   fan_in  = shape[1] · receptive_field
 *   fan_out = shape[0] · receptive_field
 * </pre>
 * Linear {@code (out, in)}: fan_in = in, fan_out = out. Conv2d {@code (C_out, C_in/groups, kH, kW)}:
 * fan_in = (C_in/groups)·kH·kW, fan_out = C_out·kH·kW (groups divides fan_in only). ConvTranspose stores
 * {@code (C_in, C_out/groups, kH, kW)}, so the roles swap. Fewer than 2 dimensions is an error.
 *
 * <h2>Caffe ({@link #caffe(int...)}), a blob of {@code count} elements</h2>
 * <pre>
 *   fan_in  = count / shape[0]
 *   fan_out = count / shape[1]   if the blob has more than one axis, else count
 * </pre>
 * For 2-D and larger shapes this is PyTorch's formula rewritten (count/shape[0] = shape[1]·receptive_field).
 * Caffe's Convolution and InnerProduct weights use PyTorch's layout; an InnerProduct with
 * {@code transpose: true} stores {@code (K_in, N_out)} and so has its fans swapped.
 *
 * <h2>Keras ({@link #keras(int...)}), Keras' layout {@code (k1, …, kN, in, out)}</h2>
 * <pre>
 *   rank 0: fan_in = fan_out = 1
 *   rank 1: fan_in = fan_out = shape[0]
 *   rank 2: fan_in = shape[0], fan_out = shape[1]
 *   rank ≥ 3: fan_in = shape[-2]·Π shape[:-2], fan_out = shape[-1]·Π shape[:-2]
 * </pre>
 * A Keras Dense kernel {@code (in, out)} and a PyTorch Linear weight {@code (out, in)} of the same layer
 * have the same fans, and so do Keras {@code (kH, kW, in, out)} and PyTorch {@code (out, in, kH, kW)}.
 *
 * <p>This class is immutable.
 *
 * @param fanIn  inputs per output, ≥ 0
 * @param fanOut outputs per input, ≥ 0
 */
public record Fans(int fanIn, int fanOut) {

    /** PyTorch's error text for a weight of fewer than 2 dimensions. */
    static final String FEWER_THAN_2_DIMENSIONS =
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions";

    /**
     * @throws IllegalArgumentException if a fan is negative
     */
    public Fans {
        if (fanIn < 0) {
            throw new IllegalArgumentException("Fans: fanIn must be >= 0, got " + fanIn);
        }
        if (fanOut < 0) {
            throw new IllegalArgumentException("Fans: fanOut must be >= 0, got " + fanOut);
        }
    }

    /**
     * PyTorch's {@code _calculate_fan_in_and_fan_out} for a tensor's shape.
     *
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions (PyTorch's message)
     */
    public static Fans of(Tensor tensor) {
        return of("fans", tensor.shape());
    }

    /**
     * PyTorch's {@code _calculate_fan_in_and_fan_out} for a shape {@code (out, in, k1, …)}.
     *
     * @throws IllegalArgumentException if the shape has fewer than 2 dimensions (PyTorch's message) or a
     *         negative size
     */
    public static Fans of(int... shape) {
        return of("fans", shape);
    }

    /** {@link #of(int...)} with the calling function's name at the front of any error message. */
    static Fans of(String op, int[] shape) {
        Shapes.numel(op, shape);
        if (shape.length < 2) {
            throw new IllegalArgumentException(op + ": " + FEWER_THAN_2_DIMENSIONS + ", got shape "
                    + Shapes.format(shape));
        }
        int receptiveField = product(op, shape, 2, shape.length);
        return new Fans(multiply(op, shape[1], receptiveField, shape), multiply(op, shape[0], receptiveField, shape));
    }

    /**
     * Caffe's {@code FillerParameter} fans of a blob (see the class comment).
     *
     * @throws IllegalArgumentException if the shape has no axes or no elements (Caffe CHECK-fails on both)
     */
    public static Fans caffe(int... shape) {
        int count = Shapes.numel("caffe fans", shape);
        if (shape.length == 0 || count == 0) {
            throw new IllegalArgumentException("caffe fans: a filler needs a blob with at least one axis and one "
                    + "element, got shape " + Shapes.format(shape));
        }
        int fanIn = count / shape[0];
        int fanOut = shape.length > 1 ? count / shape[1] : count;
        return new Fans(fanIn, fanOut);
    }

    /**
     * Keras' {@code compute_fans} for a shape in Keras' layout {@code (k1, …, kN, in, out)} (see the class
     * comment).
     *
     * @throws IllegalArgumentException on a negative size
     */
    public static Fans keras(int... shape) {
        Shapes.numel("keras fans", shape);
        int rank = shape.length;
        if (rank == 0) {
            return new Fans(1, 1);
        }
        if (rank == 1) {
            return new Fans(shape[0], shape[0]);
        }
        int receptiveField = product("keras fans", shape, 0, rank - 2);
        return new Fans(multiply("keras fans", shape[rank - 2], receptiveField, shape),
                multiply("keras fans", shape[rank - 1], receptiveField, shape));
    }

    /** The fan a mode selects: {@code mode.select(this)}. */
    public int fan(FanMode mode) {
        return mode.select(this);
    }

    /** {@code Π shape[from..to)}, refusing a product that does not fit an int. */
    private static int product(String op, int[] shape, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) {
            p = multiply(op, p, shape[d], shape);
        }
        return p;
    }

    private static int multiply(String op, int a, int b, int[] shape) {
        long p = (long) a * b;
        if (p > Integer.MAX_VALUE) {
            // Only reachable for a shape with a 0 elsewhere (otherwise numel itself would overflow).
            throw new IllegalArgumentException(op + ": a fan of shape " + Shapes.format(shape) + " exceeds "
                    + Integer.MAX_VALUE);
        }
        return (int) p;
    }
}
