package org.tapegrad.autograd.kernel;

import java.util.Arrays;

/**
 * The double-precision panel kernel of {@link Gemm}: panels are copied as they are, and the
 * micro-kernel updates 3 rows of C with 3 depths of p per pass, 4 doubles per AVX2 instruction (8
 * with AVX-512).
 *
 * <p>Plain Java cannot name SIMD instructions, so the speed comes from a loop that the C2 JIT
 * auto-vectorises ({@code vfmadd231pd}). We measured on JDK 17 (OpenJDK 17.0.15, AMD EPYC Zen 3)
 * that C2 vectorises a loop over j only when
 * <ul>
 *   <li>every array access in it is {@code x[j]} with no offset: with {@code c[cOff + j]} and
 *       {@code b[bOff + j]} it cannot rule out an overlap and keeps the loop scalar;</li>
 *   <li>its body is small (it must be unrolled first, {@code -XX:LoopUnrollLimit} = 60 nodes):
 *       3 rows × 3 depths, 4×2 and 1×6 vectorise, 2×4, 3×4, 4×3, 5×2 and 8×1 do not;</li>
 *   <li>its method contains no other loop, and it is not inlined into one that does.</li>
 * </ul>
 * Hence the packed layout ({@code kc} separate B rows, a C tile copied into 3 row arrays) and a
 * kernel method with a single loop nest.
 */
final class DoublePanelKernel extends PanelKernel {
    /** Values per panel row: {@link #ROW_BYTES} of them. */
    private static final int NC = ROW_BYTES / Double.BYTES;
    /** Stored rows of a transposed B copied per pass: one 64-byte line of each panel row. */
    private static final int TRANSPOSED_ROWS = 8;
    /** Source of zeros for starting a C tile. */
    private static final double[] ZEROS = new double[NC];

    /** The B panel: kc rows of nc values (at 512×512, 2 MiB: it lives in L3). */
    private final double[][] bRows = new double[KC + KU - 1][NC + ROW_PAD];
    /** The C tile: 3 rows of nc values (12 KiB, L1). */
    private final double[][] cRows = new double[MR][NC + ROW_PAD];
    /** A sliver: 3 rows × kc, interleaved (12 KiB, L1). */
    private final double[] aPack = new double[(KC + KU - 1) * MR];
    /** {@value #TRANSPOSED_ROWS} stored rows of a transposed B, each len = pEnd − pFrom values (32 KiB, L1/L2). */
    private final double[] staged = new double[TRANSPOSED_ROWS * (KC + KU - 1)];

    DoublePanelKernel() {
        super(NC);
    }

    /** Packs from the doubles: a float copy of B would only add conversions. */
    @Override
    void packB(PanelKernel owner, int pFrom, int pTo, double[] b, float[] bFloats, int bOff, boolean transB, int n,
            int k, int pc, int kc, int jc, int nc) {
        double[][] panel = ((DoublePanelKernel) owner).bRows;
        for (int p = Math.max(pFrom, kc); p < pTo; p++) {
            Arrays.fill(panel[p], 0, nc, 0.0);
        }
        int pEnd = Math.min(pTo, kc);
        if (!transB) {
            for (int p = pFrom; p < pEnd; p++) {
                System.arraycopy(b, bOff + (pc + p) * n + jc, panel[p], 0, nc);
            }
        } else if (pEnd > pFrom) {
            packTransposed(panel, pFrom, pEnd, b, bOff, k, pc, jc, nc);
        }
    }

    /**
     * Rows [pFrom, pEnd) of the panel from B stored n×k, {@code panel[p][j] = b[(jc + j)·k + pc + p]}.
     * {@value #TRANSPOSED_ROWS} stored rows at a time are copied into {@link #staged} and transposed from
     * there, so that B is read in long sequential runs, which the hardware prefetches; transposing
     * straight from B read {@value #TRANSPOSED_ROWS} short interleaved streams, which it does not (see
     * FloatPanelKernel). Walking down a column of B instead (stride k, often a power of two) would map
     * every load to the same few L1 sets.
     */
    private void packTransposed(double[][] panel, int pFrom, int pEnd, double[] b, int bOff, int k, int pc, int jc,
            int nc) {
        int len = pEnd - pFrom;
        for (int j = 0; j < nc; j += TRANSPOSED_ROWS) {
            int rows = Math.min(TRANSPOSED_ROWS, nc - j);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b, bOff + (jc + j + r) * k + pc + pFrom, staged, r * len, len);
            }
            if (rows == TRANSPOSED_ROWS) {
                transposeStaged(panel, j, pFrom, pEnd);
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int p = pFrom; p < pEnd; p++) {
                        panel[p][j + r] = staged[r * len + p - pFrom];
                    }
                }
            }
        }
    }

    /**
     * {@code panel[p][j + r] = staged[r·len + p − pFrom]} for r &lt; {@value #TRANSPOSED_ROWS} and
     * pFrom ≤ p &lt; pEnd (len = pEnd − pFrom): each panel row receives one 64-byte line per p.
     */
    private void transposeStaged(double[][] panel, int j, int pFrom, int pEnd) {
        int len = pEnd - pFrom;
        double[] st = staged;
        for (int p = pFrom; p < pEnd; p++) {
            double[] row = panel[p];
            int q = p - pFrom;
            row[j] = st[q];
            row[j + 1] = st[q + len];
            row[j + 2] = st[q + 2 * len];
            row[j + 3] = st[q + 3 * len];
            row[j + 4] = st[q + 4 * len];
            row[j + 5] = st[q + 5 * len];
            row[j + 6] = st[q + 6 * len];
            row[j + 7] = st[q + 7 * len];
        }
    }

    @Override
    void multiplyRows(PanelKernel owner, int rowFrom, int rowTo, int kc, int kcPadded, int nc, boolean overwrite,
            int m, int k, double[] a, float[] aFloats, int aOff, boolean transA, int pc, double[] c, float[] cFloats,
            int ci, int ldc) {
        if (cFloats != null) {
            throw new IllegalStateException("gemm: double panels cannot write a float C");
        }
        double[][] panel = ((DoublePanelKernel) owner).bRows;
        for (int i = rowFrom; i < rowTo; i += MR) {
            int mr = Math.min(MR, rowTo - i);
            packA(a, aOff, transA, m, k, i, mr, pc, kc, kcPadded);
            kernel(aPack, panel, cRows, kcPadded, nc, c, ci + i * ldc, ldc, mr, overwrite);
        }
    }

    /**
     * aPack[p*MR + r] = op(A)[i + r][pc + p] for r < mr, p < kc. Rows mr..MR-1 are zero (their
     * results go to spare C rows and are discarded), and so are the padding depths
     * kc <= p < kcPadded (whose B rows are zero too, so they add exactly 0 even next to Inf).
     */
    private void packA(double[] a, int aOff, boolean transA, int m, int k, int i, int mr, int pc, int kc,
            int kcPadded) {
        if (!transA) {
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i + r) * k + pc;
                for (int p = 0; p < kc; p++) {
                    aPack[p * MR + r] = a[src + p];
                }
            }
        } else {
            // A stored k×m: op(A)[i][p] = a[p*m + i], so the MR values for one p are contiguous
            int src = aOff + pc * m + i;
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < mr; r++) {
                    aPack[p * MR + r] = a[src + p * m + r];
                }
            }
        }
        if (mr < MR) {
            for (int p = 0; p < kc; p++) {
                for (int r = mr; r < MR; r++) {
                    aPack[p * MR + r] = 0.0;
                }
            }
        }
        Arrays.fill(aPack, kc * MR, kcPadded * MR, 0.0);
    }

    /**
     * The micro-kernel: {@code C[i+r][jc+j] (+)= Σ_p aPack[p*MR + r]·bRows[p][j]} for r < mr,
     * j < nc, p < kc (kc a multiple of 3), where {@code ci} is the index of C[i][jc].
     *
     * <p>The mr rows of C are copied into the row arrays {@code cRows} (or zeroed), updated, and
     * copied back. Three values of p per pass give a j loop of 6 loads, 9 FMAs and 3 stores per
     * element, the best ratio among the loop bodies C2 still vectorises (4×2: 8 FMAs for 6 loads
     * and 4 stores, measured ~15% slower; scalar shapes are 3× slower). The 16 ymm registers hold
     * the 9 broadcast A values, 3 B vectors and the accumulator.
     *
     * <p>C2 vectorises this loop nest only while its method contains no other loop, so (measured:
     * 3× slower otherwise) there are no remainder loops for kc % 3 (the panels are zero-padded
     * instead), the row copies are written out rather than looped over, and the method must not be
     * inlined into {@link #multiplyRows}: its bytecode, copies included, stays above C2's inlining
     * limit for hot methods ({@code -XX:FreqInlineSize}, 325 bytes).
     */
    private static void kernel(double[] aPack, double[][] bRows, double[][] cRows, int kc, int nc, double[] c,
            int ci, int ldc, int mr, boolean overwrite) {
        double[] c0 = cRows[0], c1 = cRows[1], c2 = cRows[2];
        double[] src = overwrite ? ZEROS : c;
        int stride = overwrite ? 0 : ldc;
        int from = overwrite ? 0 : ci;
        System.arraycopy(src, from, c0, 0, nc);
        if (mr > 1) {
            System.arraycopy(src, from + stride, c1, 0, nc);
        }
        if (mr > 2) {
            System.arraycopy(src, from + 2 * stride, c2, 0, nc);
        }
        for (int p = 0; p < kc; p += 3) {
            double[] b0 = bRows[p], b1 = bRows[p + 1], b2 = bRows[p + 2];
            int q = p * MR;
            double a00 = aPack[q], a10 = aPack[q + 1], a20 = aPack[q + 2];
            double a01 = aPack[q + 3], a11 = aPack[q + 4], a21 = aPack[q + 5];
            double a02 = aPack[q + 6], a12 = aPack[q + 7], a22 = aPack[q + 8];
            for (int j = 0; j < nc; j++) {
                double x0 = b0[j], x1 = b1[j], x2 = b2[j];
                c0[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, c0[j])));
                c1[j] = Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, c1[j])));
                c2[j] = Math.fma(a22, x2, Math.fma(a21, x1, Math.fma(a20, x0, c2[j])));
            }
        }
        System.arraycopy(c0, 0, c, ci, nc);
        if (mr > 1) {
            System.arraycopy(c1, 0, c, ci + ldc, nc);
        }
        if (mr > 2) {
            System.arraycopy(c2, 0, c, ci + 2 * ldc, nc);
        }
    }
}
