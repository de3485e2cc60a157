package org.tapegrad.autograd.kernel;

import java.util.Arrays;

/**
 * The single-precision panel kernel of {@link Gemm}: the operands are rounded to {@code float} as
 * they are packed, and the micro-kernel is {@link DoublePanelKernel}'s loop over {@code float}
 * arrays, so each vector instruction does twice as many multiply-adds (8 instead of 4 with AVX2, 16
 * instead of 8 with AVX-512). The conversion costs one pass over each panel, which packing makes anyway.
 *
 * <p>C is a {@code double[]}, or a {@code float[]} ({@link Gemm#multiplySingleToFloats}): the micro-kernel
 * sums a panel's products from zero into 3 float rows (1 or 2 for the last rows of C when m is not a
 * multiple of 3: {@link #kernel1}, {@link #kernel2}, the same sums), and {@link #addTile} adds them to C
 * and rounds to float. For a float32 C that is exactly a float addition, so across panels the result is summed in
 * float, as sgemm sums it, and both kinds of C receive the same values.
 *
 * <p>The packing loops mirror {@link DoublePanelKernel}'s: Java has no generics over primitive arrays,
 * so the two precisions are written out side by side, as BLAS writes sgemm and dgemm (a double panel
 * holds 8 values per 64-byte line, so it transposes 8 stored rows per pass instead of 16; the narrow
 * kernels for the last rows are the float kernel's only). {@code GemmProperties} checks both against
 * the naive product on every layout.
 */
final class FloatPanelKernel extends PanelKernel {
    /** Values per panel row: {@link #ROW_BYTES} of them. */
    private static final int NC = ROW_BYTES / Float.BYTES;
    /** Stored rows of a transposed B copied per pass: one 64-byte line of each panel row. */
    private static final int TRANSPOSED_ROWS = 16;
    /** Source of zeros for starting a C tile. */
    private static final float[] ZEROS = new float[NC];

    /** The B panel: kc rows of nc values (at 512×1024, 2 MiB: it lives in L3). */
    private final float[][] bRows = new float[KC + KU - 1][NC + ROW_PAD];
    /** The C tile: 3 rows of nc values (12 KiB, L1). */
    private final float[][] cRows = new float[MR][NC + ROW_PAD];
    /** A sliver: 3 rows × kc, interleaved (6 KiB, L1). */
    private final float[] aPack = new float[(KC + KU - 1) * MR];
    /** {@value #TRANSPOSED_ROWS} stored rows of a transposed B, each len = pEnd − pFrom values (32 KiB, L1/L2). */
    private final float[] staged = new float[TRANSPOSED_ROWS * (KC + KU - 1)];

    FloatPanelKernel() {
        super(NC);
    }

    @Override
    void packB(PanelKernel owner, int pFrom, int pTo, double[] b, float[] bFloats, int bOff, boolean transB, int n,
            int k, int pc, int kc, int jc, int nc) {
        float[][] panel = ((FloatPanelKernel) owner).bRows;
        for (int p = Math.max(pFrom, kc); p < pTo; p++) {
            Arrays.fill(panel[p], 0, nc, 0f);
        }
        int pEnd = Math.min(pTo, kc);
        if (!transB) {
            for (int p = pFrom; p < pEnd; p++) {
                int src = bOff + (pc + p) * n + jc;
                if (bFloats != null) {
                    System.arraycopy(bFloats, src, panel[p], 0, nc);
                } else {
                    toFloat(b, src, panel[p], 0, nc);
                }
            }
        } else if (pEnd > pFrom) {
            packTransposed(panel, pFrom, pEnd, b, bFloats, bOff, k, pc, jc, nc);
        }
    }

    /**
     * Rows [pFrom, pEnd) of the panel from B stored n×k, {@code panel[p][j] = (float) b[(jc + j)·k + pc + p]},
     * from {@code bFloats} when given, else from {@code b}. {@value #TRANSPOSED_ROWS} stored rows at a
     * time are copied into {@link #staged} (rounded to float on the way) and transposed from there, so
     * that B is read in long sequential runs, which the hardware prefetches; transposing straight from B
     * read {@value #TRANSPOSED_ROWS} short interleaved streams, which it does not: a 16×256×256 product
     * whose 256×256 weight was not in cache took 1.5× as long (PERFORMANCE.md, eighth round).
     */
    private void packTransposed(float[][] panel, int pFrom, int pEnd, double[] b, float[] bFloats, int bOff, int k,
            int pc, int jc, int nc) {
        int len = pEnd - pFrom;
        for (int j = 0; j < nc; j += TRANSPOSED_ROWS) {
            int rows = Math.min(TRANSPOSED_ROWS, nc - j);
            for (int r = 0; r < rows; r++) {
                int src = bOff + (jc + j + r) * k + pc + pFrom;
                if (bFloats != null) {
                    System.arraycopy(bFloats, src, staged, r * len, len);
                } else {
                    toFloat(b, src, staged, r * len, len);
                }
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
    private void transposeStaged(float[][] panel, int j, int pFrom, int pEnd) {
        int len = pEnd - pFrom;
        float[] st = staged;
        for (int p = pFrom; p < pEnd; p++) {
            float[] row = panel[p];
            int q = p - pFrom;
            row[j] = st[q];
            row[j + 1] = st[q + len];
            row[j + 2] = st[q + 2 * len];
            row[j + 3] = st[q + 3 * len];
            row[j + 4] = st[q + 4 * len];
            row[j + 5] = st[q + 5 * len];
            row[j + 6] = st[q + 6 * len];
            row[j + 7] = st[q + 7 * len];
            row[j + 8] = st[q + 8 * len];
            row[j + 9] = st[q + 9 * len];
            row[j + 10] = st[q + 10 * len];
            row[j + 11] = st[q + 11 * len];
            row[j + 12] = st[q + 12 * len];
            row[j + 13] = st[q + 13 * len];
            row[j + 14] = st[q + 14 * len];
            row[j + 15] = st[q + 15 * len];
        }
    }

    /** {@code out[at + j] = (float) src[from + j]} for j &lt; len. */
    private static void toFloat(double[] src, int from, float[] out, int at, int len) {
        for (int j = 0; j < len; j++) {
            out[at + j] = (float) src[from + j];
        }
    }

    @Override
    void multiplyRows(PanelKernel owner, int rowFrom, int rowTo, int kc, int kcPadded, int nc, boolean overwrite,
            int m, int k, double[] a, float[] aFloats, int aOff, boolean transA, int pc, double[] c, float[] cFloats,
            int ci, int ldc) {
        float[][] panel = ((FloatPanelKernel) owner).bRows;
        for (int i = rowFrom; i < rowTo; i += MR) {
            int mr = Math.min(MR, rowTo - i);
            if (aFloats != null) {
                packA(aFloats, aOff, transA, m, k, i, mr, pc, kc);
            } else {
                packA(a, aOff, transA, m, k, i, mr, pc, kc);
            }
            Arrays.fill(aPack, kc * MR, kcPadded * MR, 0f); // the padding depths
            // the last rows of C, when m is not a multiple of 3, by a kernel as narrow as they are
            if (mr == MR) {
                kernel(aPack, panel, cRows, kcPadded, nc);
            } else if (mr == 2) {
                kernel2(aPack, panel, cRows, kcPadded, nc);
            } else {
                kernel1(aPack, panel, cRows[0], kcPadded, nc);
            }
            for (int r = 0; r < mr; r++) {
                if (cFloats != null) {
                    addTile(cRows[r], cFloats, ci + (i + r) * ldc, nc, overwrite);
                } else {
                    addTile(cRows[r], c, ci + (i + r) * ldc, nc, overwrite);
                }
            }
        }
    }

    /** {@code c[at + j] = (float) (c[at + j] + tile[j])}, or {@code tile[j]} when overwriting, for j &lt; nc. */
    private static void addTile(float[] tile, double[] c, int at, int nc, boolean overwrite) {
        if (overwrite) {
            for (int j = 0; j < nc; j++) {
                c[at + j] = tile[j];
            }
        } else {
            for (int j = 0; j < nc; j++) {
                c[at + j] = (float) (c[at + j] + tile[j]);
            }
        }
    }

    /**
     * {@link #addTile(float[], double[], int, int, boolean)} into a float C: the same float sum (a float
     * addition equals the double one rounded to float), with nothing to convert.
     */
    private static void addTile(float[] tile, float[] c, int at, int nc, boolean overwrite) {
        if (overwrite) {
            System.arraycopy(tile, 0, c, at, nc);
        } else {
            for (int j = 0; j < nc; j++) {
                c[at + j] += tile[j];
            }
        }
    }

    /** As {@link DoublePanelKernel}'s packA, rounding to float: aPack[p*MR + r] = op(A)[i + r][pc + p], r &lt; mr. */
    private void packA(double[] a, int aOff, boolean transA, int m, int k, int i, int mr, int pc, int kc) {
        if (!transA) {
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i + r) * k + pc;
                for (int p = 0; p < kc; p++) {
                    aPack[p * MR + r] = (float) a[src + p];
                }
            }
        } else {
            int src = aOff + pc * m + i;
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < mr; r++) {
                    aPack[p * MR + r] = (float) a[src + p * m + r];
                }
            }
        }
    }

    /** {@link #packA(double[], int, boolean, int, int, int, int, int, int)} from A's float copy. */
    private void packA(float[] a, int aOff, boolean transA, int m, int k, int i, int mr, int pc, int kc) {
        if (!transA) {
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i + r) * k + pc;
                for (int p = 0; p < kc; p++) {
                    aPack[p * MR + r] = a[src + p];
                }
            }
        } else {
            int src = aOff + pc * m + i;
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < mr; r++) {
                    aPack[p * MR + r] = a[src + p * m + r];
                }
            }
        }
    }

    /**
     * The micro-kernel: {@code cRows[r][j] = Σ_p aPack[p*MR + r]·bRows[p][j]} for r &lt; 3, j &lt; nc,
     * p &lt; kc (kc a multiple of 3), summed in float from zero. The loop is {@link DoublePanelKernel}'s,
     * under the same constraints for C2 to vectorise it.
     */
    private static void kernel(float[] aPack, float[][] bRows, float[][] cRows, int kc, int nc) {
        float[] c0 = cRows[0], c1 = cRows[1], c2 = cRows[2];
        System.arraycopy(ZEROS, 0, c0, 0, nc);
        System.arraycopy(ZEROS, 0, c1, 0, nc);
        System.arraycopy(ZEROS, 0, c2, 0, nc);
        for (int p = 0; p < kc; p += 3) {
            float[] b0 = bRows[p], b1 = bRows[p + 1], b2 = bRows[p + 2];
            int q = p * MR;
            float a00 = aPack[q], a10 = aPack[q + 1], a20 = aPack[q + 2];
            float a01 = aPack[q + 3], a11 = aPack[q + 4], a21 = aPack[q + 5];
            float a02 = aPack[q + 6], a12 = aPack[q + 7], a22 = aPack[q + 8];
            for (int j = 0; j < nc; j++) {
                float x0 = b0[j], x1 = b1[j], x2 = b2[j];
                c0[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, c0[j])));
                c1[j] = Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, c1[j])));
                c2[j] = Math.fma(a22, x2, Math.fma(a21, x1, Math.fma(a20, x0, c2[j])));
            }
        }
    }

    /**
     * {@link #kernel} for the sliver's first 2 rows only (the last rows of a C with m mod 3 = 2): the
     * same sums, so the same bits, at 2/3 of the work. A method of its own for C2 to vectorise.
     */
    private static void kernel2(float[] aPack, float[][] bRows, float[][] cRows, int kc, int nc) {
        float[] c0 = cRows[0], c1 = cRows[1];
        System.arraycopy(ZEROS, 0, c0, 0, nc);
        System.arraycopy(ZEROS, 0, c1, 0, nc);
        for (int p = 0; p < kc; p += 3) {
            float[] b0 = bRows[p], b1 = bRows[p + 1], b2 = bRows[p + 2];
            int q = p * MR;
            float a00 = aPack[q], a10 = aPack[q + 1];
            float a01 = aPack[q + 3], a11 = aPack[q + 4];
            float a02 = aPack[q + 6], a12 = aPack[q + 7];
            for (int j = 0; j < nc; j++) {
                float x0 = b0[j], x1 = b1[j], x2 = b2[j];
                c0[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, c0[j])));
                c1[j] = Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, c1[j])));
            }
        }
    }

    /** {@link #kernel} for the sliver's first row only (the last row of a C with m mod 3 = 1, as m = 16). */
    private static void kernel1(float[] aPack, float[][] bRows, float[] c0, int kc, int nc) {
        System.arraycopy(ZEROS, 0, c0, 0, nc);
        for (int p = 0; p < kc; p += 3) {
            float[] b0 = bRows[p], b1 = bRows[p + 1], b2 = bRows[p + 2];
            int q = p * MR;
            float a00 = aPack[q], a01 = aPack[q + 3], a02 = aPack[q + 6];
            for (int j = 0; j < nc; j++) {
                c0[j] = Math.fma(a02, b2[j], Math.fma(a01, b1[j], Math.fma(a00, b0[j], c0[j])));
            }
        }
    }
}
