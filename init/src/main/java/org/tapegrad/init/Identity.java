package org.tapegrad.init;

import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * The identity-preserving initialisers, which draw nothing.
 *
 * <p><b>{@code eye_}</b> (2-D only): {@code W[i][j] = 1 if i == j else 0}; rectangular shapes allowed. A
 * Linear layer with this weight copies the first min(in, out) inputs.
 *
 * <p><b>{@code dirac_}</b> (3-D, 4-D or 5-D conv weights {@code (C_out, C_in/groups, k…)}): all zeros, then
 * with {@code opg = C_out / groups} and {@code m = min(opg, size(1))}, for every group g and d &lt; m
 * <pre>
 *   W[g·opg + d][d][⌊k₁/2⌋]…[⌊k_N/2⌋] = 1
 * </pre>
 * A convolution with this weight (and 'same' padding) returns its input's first channels of each group
 * unchanged. For an even kernel size the "centre" is the upper-middle index, as in PyTorch.
 */
final class Identity {
    private Identity() {
    }

    /**
     * Fills a 2-D tensor with the identity pattern; returns it.
     *
     * @throws IllegalArgumentException if the tensor is not 2-D (PyTorch's message)
     */
    static Tensor eye_(Tensor tensor) {
        if (tensor.dim() != 2) {
            throw new IllegalArgumentException("eye_: Only tensors with 2 dimensions are supported, got shape "
                    + Shapes.format(tensor.shape()));
        }
        int rows = tensor.size(0);
        int cols = tensor.size(1);
        double[] w = new double[rows * cols];
        for (int i = 0; i < Math.min(rows, cols); i++) {
            w[i * cols + i] = 1.0;
        }
        return Fill.write(tensor, w);
    }

    /**
     * Fills a conv weight with the Dirac delta pattern, per group; returns it.
     *
     * @throws IllegalArgumentException if the tensor is not 3-, 4- or 5-D, groups ≤ 0, or size(0) is not
     *         divisible by groups (PyTorch's messages where it has one)
     */
    static Tensor dirac_(Tensor tensor, int groups) {
        int[] shape = tensor.shape();
        int rank = shape.length;
        if (rank < 3 || rank > 5) {
            throw new IllegalArgumentException("dirac_: Only tensors with 3, 4, or 5 dimensions are supported, "
                    + "got shape " + Shapes.format(shape));
        }
        if (groups <= 0) {
            throw new IllegalArgumentException("dirac_: groups must be positive, got " + groups
                    + " for shape " + Shapes.format(shape));
        }
        if (shape[0] % groups != 0) {
            throw new IllegalArgumentException("dirac_: dim 0 must be divisible by groups, got shape "
                    + Shapes.format(shape) + " and groups " + groups);
        }
        double[] w = new double[tensor.numel()];
        if (w.length > 0) {
            int outPerGroup = shape[0] / groups;
            int diagonal = Math.min(outPerGroup, shape[1]);
            int[] strides = Shapes.contiguousStrides(shape);
            int centre = 0;
            for (int d = 2; d < rank; d++) {
                centre += (shape[d] / 2) * strides[d];
            }
            for (int g = 0; g < groups; g++) {
                for (int d = 0; d < diagonal; d++) {
                    w[(g * outPerGroup + d) * strides[0] + d * strides[1] + centre] = 1.0;
                }
            }
        }
        return Fill.write(tensor, w);
    }
}
