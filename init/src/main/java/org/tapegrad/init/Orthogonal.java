package org.tapegrad.init;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * {@code torch.nn.init.orthogonal_(tensor, gain)}: a (semi-)orthogonal matrix, as in Saxe et al. 2013.
 *
 * <p>The tensor is viewed as a matrix W of {@code rows = size(0)} by {@code cols = numel / rows} (a conv
 * weight's input channels and kernel positions are flattened into the columns). Then, as PyTorch does:
 * <ol>
 * <li>fill a (rows, cols) matrix with N(0, 1) draws, row-major, rounded to the dtype;</li>
 * <li>if rows &lt; cols, transpose it, so that A is m × n with m = max(rows, cols) ≥ n = min(rows, cols);</li>
 * <li>reduced QR: A = Q·R, Q m × n with orthonormal columns, R n × n upper triangular;</li>
 * <li>multiply column j of Q by sign(R[j][j]) (sign(0) = 0). This makes the factorisation unique (R with a
 * positive diagonal), so any correct QR gives the same Q, and Q is Haar-distributed;</li>
 * <li>transpose back if transposed, write Q into the tensor, and multiply by gain.</li>
 * </ol>
 * Result: W·Wᵀ = gain²·I when rows ≤ cols, Wᵀ·W = gain²·I when rows &gt; cols.
 *
 * <p>The QR factorisation is Commons Math's Householder {@link QRDecomposition}. Its {@code getQ()} builds
 * the full m × m Q, which costs O(m²·n) time and m² memory (tens of seconds for a 512×512×3×3 conv weight),
 * so the reduced Q is formed here from its Householder vectors ({@code getH()}), in O(m·n²):
 * {@code Q = H₀·H₁·…·H_{n−1}·[I_n; 0]} with {@code H_k = I − 2·h_k·h_kᵀ / (h_kᵀ·h_k)}.
 */
final class Orthogonal {
    private Orthogonal() {
    }

    /**
     * Fills {@code tensor}; returns it. A tensor with no elements is left unchanged.
     *
     * @throws IllegalArgumentException for fewer than 2 dimensions (PyTorch's message)
     */
    static Tensor fill(Tensor tensor, double gain, Generator generator) {
        if (tensor.dim() < 2) {
            throw new IllegalArgumentException("orthogonal_: Only tensors with 2 or more dimensions are supported, "
                    + "got shape " + Shapes.format(tensor.shape()));
        }
        if (tensor.numel() == 0) {
            return tensor;
        }
        DType dtype = tensor.dtype();
        int rows = tensor.size(0);
        int cols = tensor.numel() / rows;
        double[] flat = Fill.normal(rows * cols, 0.0, 1.0, dtype, generator);
        double[] w = semiOrthogonal(flat, rows, cols);
        double g = dtype.round(gain);
        for (int i = 0; i < w.length; i++) {
            w[i] = dtype.round(dtype.round(w[i]) * g);
        }
        return Fill.write(tensor, w);
    }

    /**
     * The sign-corrected orthogonal factor of a (rows, cols) matrix, transposed through the taller
     * orientation as described in the class comment.
     *
     * @param a row-major (rows, cols), not modified
     * @return row-major (rows, cols): orthonormal rows if rows ≤ cols, orthonormal columns otherwise
     */
    static double[] semiOrthogonal(double[] a, int rows, int cols) {
        boolean transposed = rows < cols;
        int m = Math.max(rows, cols);
        int n = Math.min(rows, cols);
        double[][] tall = new double[m][n];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (transposed) {
                    tall[c][r] = a[r * cols + c];
                } else {
                    tall[r][c] = a[r * cols + c];
                }
            }
        }
        QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(tall, false));
        double[][] q = reducedQColumns(qr, m, n);
        RealMatrix rFactor = qr.getR();
        for (int j = 0; j < n; j++) {
            double sign = Math.signum(rFactor.getEntry(j, j));
            double[] column = q[j];
            for (int i = 0; i < m; i++) {
                column[i] *= sign;
            }
        }
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // Q is m × n; column j of Q is q[j]. Untransposed W = Q, transposed W = Qᵀ.
                out[r * cols + c] = transposed ? q[r][c] : q[c][r];
            }
        }
        return out;
    }

    /**
     * The n columns of the reduced Q, each of length m, by applying the Householder reflectors in reverse
     * order to the first n columns of the identity. A reflector with a zero (or undefined) vector, which
     * Commons Math leaves when a column is already zero, is the identity.
     */
    private static double[][] reducedQColumns(QRDecomposition qr, int m, int n) {
        RealMatrix householder = qr.getH();
        double[][] q = new double[n][m];
        for (int j = 0; j < n; j++) {
            q[j][j] = 1.0;
        }
        for (int k = n - 1; k >= 0; k--) {
            double[] h = householder.getColumn(k);
            double hh = 0.0;
            for (int i = k; i < m; i++) {
                hh += h[i] * h[i];
            }
            if (!(hh > 0.0) || Double.isInfinite(hh)) {
                continue;
            }
            double twoOverHh = 2.0 / hh;
            // Columns j < k are still e_j, which h_k (zero above row k) leaves alone.
            for (int j = k; j < n; j++) {
                double[] column = q[j];
                double dot = 0.0;
                for (int i = k; i < m; i++) {
                    dot += h[i] * column[i];
                }
                double s = dot * twoOverHh;
                for (int i = k; i < m; i++) {
                    column[i] -= s * h[i];
                }
            }
        }
        return q;
    }
}
