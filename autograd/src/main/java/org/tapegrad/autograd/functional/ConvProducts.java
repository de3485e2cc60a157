package org.tapegrad.autograd.functional;

/**
 * The weight-gradient product of a convolution with a short filter, {@code dW += G·Xᵀ}: for the seed
 * experiment's 3-channel convs a 3×27 result summed over thousands of output positions (m = 3, k = 27,
 * long n). A packed GEMM would first transpose X (27 × n) to pack it, which costs more than the 3
 * multiply-adds per element of X it then saves.
 *
 * <p>The loop keeps a 3×3 block of independent sums in registers and feeds them with fused
 * multiply-adds ({@link Math#fma}) while walking three rows of G and three rows of X in step: 6
 * sequential loads per 9 multiply-adds, and 9 independent sums to hide the FMA latency. G is read in
 * place from the (N, C_out, H_out, W_out) gradient (a row stride instead of a dense copy). The result
 * equals the plain loops up to the order of the sums.
 *
 * <p>This runs near the scalar limit of 2 FMAs per cycle (0.18 ns per multiply-add on the seed's band,
 * AMD EPYC Zen 3, JDK 17). Lanes of partial sums that C2 vectorises, {@code acc[j] = fma(g[j], x[j],
 * acc[j])} over a block of positions and reduced at the end, were measured not to be faster: 0.21–0.22
 * ns per multiply-add, and the same seedexp CPU time. C2 keeps such a loop scalar unless every array in
 * it is indexed by the bare loop variable plus constants, so each block of G and X must first be copied
 * out of its larger array (some 40% of the time), and it vectorises only bodies of 6 to 8 FMAs (its
 * unrolling limit), which then need 1.5 to 2 loads per FMA.
 */
final class ConvProducts {
    private ConvProducts() {
    }

    /**
     * {@code C[o][r] += Σ_t G[o][t]·B[r][t]} (accumulates into C): the weight gradient of a band,
     * {@code dW += G·Xᵀ} with G (m×n) the output gradient and X (k×n) the column matrix.
     *
     * @param g G, row o of n values at {@code gOff + o·ldg}; not modified
     * @param b B, row r of n values at {@code bOff + r·ldb}; not modified
     * @param c C, row-major m×k at {@code cOff}; modified
     */
    static void accumulateTransposed(int m, int k, int n, double[] g, int gOff, int ldg, double[] b, int bOff,
            int ldb, double[] c, int cOff) {
        int o = 0;
        for (; o + 3 <= m; o += 3) {
            int g0 = gOff + o * ldg;
            int g1 = g0 + ldg;
            int g2 = g1 + ldg;
            int r = 0;
            for (; r + 3 <= k; r += 3) {
                int b0 = bOff + r * ldb;
                int b1 = b0 + ldb;
                int b2 = b1 + ldb;
                double s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0;
                for (int t = 0; t < n; t++) {
                    double x0 = b[b0 + t];
                    double x1 = b[b1 + t];
                    double x2 = b[b2 + t];
                    double y0 = g[g0 + t];
                    double y1 = g[g1 + t];
                    double y2 = g[g2 + t];
                    s00 = Math.fma(y0, x0, s00);
                    s01 = Math.fma(y0, x1, s01);
                    s02 = Math.fma(y0, x2, s02);
                    s10 = Math.fma(y1, x0, s10);
                    s11 = Math.fma(y1, x1, s11);
                    s12 = Math.fma(y1, x2, s12);
                    s20 = Math.fma(y2, x0, s20);
                    s21 = Math.fma(y2, x1, s21);
                    s22 = Math.fma(y2, x2, s22);
                }
                int ci = cOff + o * k + r;
                c[ci] += s00;
                c[ci + 1] += s01;
                c[ci + 2] += s02;
                c[ci + k] += s10;
                c[ci + k + 1] += s11;
                c[ci + k + 2] += s12;
                c[ci + 2 * k] += s20;
                c[ci + 2 * k + 1] += s21;
                c[ci + 2 * k + 2] += s22;
            }
            for (; r < k; r++) {
                for (int row = 0; row < 3; row++) {
                    c[cOff + (o + row) * k + r] += dot(n, g, g0 + row * ldg, b, bOff + r * ldb);
                }
            }
        }
        for (; o < m; o++) {
            accumulateRow(k, n, g, gOff + o * ldg, b, bOff, ldb, c, cOff + o * k);
        }
    }

    /**
     * One row of C beyond the last 3×3 block ({@code m} not a multiple of 3, such as the CNN's first layer, 16
     * output channels): four sums at a time, so that four chains of FMAs hide each other's latency (with
     * {@link #dot}'s single chain, the 16th row took a third of that layer's weight gradient).
     */
    private static void accumulateRow(int k, int n, double[] g, int gRow, double[] b, int bOff, int ldb, double[] c,
            int cRow) {
        int r = 0;
        for (; r + 4 <= k; r += 4) {
            int b0 = bOff + r * ldb;
            int b1 = b0 + ldb;
            int b2 = b1 + ldb;
            int b3 = b2 + ldb;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int t = 0; t < n; t++) {
                double y = g[gRow + t];
                s0 = Math.fma(y, b[b0 + t], s0);
                s1 = Math.fma(y, b[b1 + t], s1);
                s2 = Math.fma(y, b[b2 + t], s2);
                s3 = Math.fma(y, b[b3 + t], s3);
            }
            c[cRow + r] += s0;
            c[cRow + r + 1] += s1;
            c[cRow + r + 2] += s2;
            c[cRow + r + 3] += s3;
        }
        for (; r < k; r++) {
            c[cRow + r] += dot(n, g, gRow, b, bOff + r * ldb);
        }
    }

    /** {@code Σ_i x[xOff + i]·y[yOff + i]} for i &lt; n, for what no block covers. */
    private static double dot(int n, double[] x, int xOff, double[] y, int yOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i], s);
        }
        return s;
    }
}
