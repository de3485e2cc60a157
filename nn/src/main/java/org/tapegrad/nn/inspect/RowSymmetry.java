package org.tapegrad.nn.inspect;

import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;

/**
 * Whether the units of a layer are interchangeable. The weight of a {@code Linear} is {@code (out, in)} and
 * of a {@code Conv2d} {@code (C_out, C_in/groups, kH, kW)}: in both, row {@code r} (everything at index r of
 * dimension 0) holds the incoming weights of unit (or output channel) r. Units whose rows are equal compute
 * the same function of the input; if their gradient rows are equal too, one step of gradient descent keeps
 * them equal, and so does every later step. This class is immutable.
 *
 * @param rows                the number of units, {@code weight.size(0)}
 * @param weightRowsIdentical whether every row of the weight equals row 0 exactly ({@code ==}, no tolerance)
 * @param commonValue         the value of every weight element if they are all equal, else NaN
 * @param gradientRowSpread   {@code max |∇W[r, j] − ∇W[0, j]| / max |∇W|} over all rows r and columns j: 0 when
 *                            the gradient rows are identical (or there is no gradient, or it is all zero)
 */
public record RowSymmetry(int rows, boolean weightRowsIdentical, double commonValue, double gradientRowSpread) {

    /**
     * Compares the rows of a weight of two or more dimensions and of its gradient.
     *
     * @param weight   not modified; at least 2-D
     * @param gradient not modified; null if the weight received none
     * @throws IllegalArgumentException if the weight has fewer than 2 dimensions
     */
    public static RowSymmetry of(Tensor weight, Tensor gradient) {
        if (weight.dim() < 2) {
            throw new IllegalArgumentException("RowSymmetry: the weight must have 2 or more dimensions (one row per "
                    + "unit), got " + weight.dim());
        }
        int rows = weight.size(0);
        double[] w = Kernels.rowMajor(weight);
        int length = rows == 0 ? 0 : w.length / rows;
        boolean identical = true;
        for (int r = 1; r < rows && identical; r++) {
            for (int j = 0; j < length; j++) {
                if (w[r * length + j] != w[j]) {
                    identical = false;
                    break;
                }
            }
        }
        double common = w.length > 0 ? w[0] : Double.NaN;
        for (double x : w) {
            if (x != common) {
                common = Double.NaN;
                break;
            }
        }
        return new RowSymmetry(rows, identical, common, gradient == null ? 0.0 : spread(Kernels.rowMajor(gradient),
                rows, length));
    }

    private static double spread(double[] g, int rows, int length) {
        double maxAbs = 0.0;
        double maxDifference = 0.0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < length; j++) {
                double x = g[r * length + j];
                maxAbs = Math.max(maxAbs, Math.abs(x));
                maxDifference = Math.max(maxDifference, Math.abs(x - g[j]));
            }
        }
        if (Double.isNaN(maxAbs) || Double.isNaN(maxDifference)) {
            return Double.NaN;
        }
        return maxAbs == 0.0 ? 0.0 : maxDifference / maxAbs;
    }
}
