package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * The one place where broadcasting is undone for gradients, and where broadcast strides are computed.
 */
public final class Broadcasting {
    private Broadcasting() {
    }

    /**
     * Sums a gradient of a broadcast result back to the shape of the operand that was broadcast: over the
     * leading dimensions the operand did not have, and over the dimensions where it had size 1.
     *
     * @param grad  gradient of shape {@code broadcast(shape, …)}; not modified
     * @param shape the operand's shape
     * @return a tensor of exactly {@code shape} ({@code grad} itself if nothing was broadcast)
     */
    public static Tensor reduceTo(Tensor grad, int[] shape) {
        int[] gShape = grad.shape();
        if (java.util.Arrays.equals(gShape, shape)) {
            return grad;
        }
        int lead = gShape.length - shape.length;
        int count = 0;
        int[] dims = new int[gShape.length];
        for (int d = 0; d < gShape.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gShape[d] != 1)) {
                dims[count++] = d;
            }
        }
        Tensor summed = count == 0 ? grad : Reductions.sum(grad, java.util.Arrays.copyOf(dims, count), true);
        return summed.reshape(shape);
    }

    /**
     * The strides with which {@code t} is read when broadcast to {@code shape}: its own strides,
     * right-aligned, and 0 where it has size 1 or lacks the dimension.
     */
    public static int[] stridesFor(Tensor t, int[] shape) {
        int[] own = t.shape();
        int[] ownStrides = t.strides();
        int lead = shape.length - own.length;
        int[] strides = new int[shape.length];
        for (int d = lead; d < shape.length; d++) {
            strides[d] = own[d - lead] == 1 ? 0 : ownStrides[d - lead];
        }
        if (lead < 0) {
            throw new IllegalArgumentException("broadcast: shape " + Shapes.format(own) + " has more dimensions than "
                    + Shapes.format(shape));
        }
        return strides;
    }
}
