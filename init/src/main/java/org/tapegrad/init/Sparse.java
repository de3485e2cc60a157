package org.tapegrad.init;

import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * {@code torch.nn.init.sparse_(tensor, sparsity, std)}: the sparse initialisation of Martens 2010, for a
 * 2-D weight (rows, cols):
 * <pre>
 *   num_zeros = ⌈sparsity · rows⌉
 *   W ~ N(0, std²) everywhere, then in each column a uniformly random set of num_zeros rows is set to 0
 * </pre>
 * so every column (one input's outgoing weights in a Linear layer) keeps exactly rows − num_zeros nonzeros.
 *
 * <p>One deliberate difference: PyTorch draws each column's {@code randperm} from the <em>global</em>
 * generator even when a generator is passed (SPEC §9.6). Here the given generator is used for both the
 * values and the zero positions, so a seeded generator reproduces the whole tensor. (Streams are not
 * PyTorch's anyway; see SPEC Appendix A.)
 */
final class Sparse {
    private Sparse() {
    }

    /** {@code ⌈sparsity · rows⌉}, computed in double as Python's {@code math.ceil(sparsity * rows)}. */
    static int numZeros(double sparsity, int rows) {
        return (int) Math.ceil(sparsity * rows);
    }

    /**
     * Fills {@code tensor}; returns it.
     *
     * @throws IllegalArgumentException for a tensor that is not 2-D (PyTorch's message), a sparsity outside
     *         [0, 1] (PyTorch does not check: above 1 it zeroes everything, below 0 Python's negative slicing
     *         zeroes all but a few rows), or std &lt; 0
     */
    static Tensor fill(Tensor tensor, double sparsity, double std, Generator generator) {
        String op = "sparse_";
        if (tensor.dim() != 2) {
            throw new IllegalArgumentException(op + ": Only tensors with 2 dimensions are supported, got shape "
                    + Shapes.format(tensor.shape()));
        }
        if (!(sparsity >= 0.0 && sparsity <= 1.0)) {
            throw new IllegalArgumentException(op + ": sparsity must be in [0, 1], got " + sparsity
                    + " (tensor of shape " + Shapes.format(tensor.shape()) + ")");
        }
        Fill.checkStd(op, tensor, std);
        int rows = tensor.size(0);
        int cols = tensor.size(1);
        int zeros = numZeros(sparsity, rows);
        double[] w = Fill.normal(rows * cols, 0.0, std, tensor.dtype(), generator);
        int[] perm = new int[rows];
        for (int c = 0; c < cols; c++) {
            // The first `zeros` entries of a random permutation, by a partial Fisher-Yates shuffle.
            for (int r = 0; r < rows; r++) {
                perm[r] = r;
            }
            for (int i = 0; i < zeros; i++) {
                int j = i + generator.nextInt(rows - i);
                int swap = perm[i];
                perm[i] = perm[j];
                perm[j] = swap;
                w[perm[i] * cols + c] = 0.0;
            }
        }
        return Fill.write(tensor, w);
    }
}
