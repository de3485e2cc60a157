package org.tapegrad.autograd.functional;

import java.util.Arrays;

/**
 * The data movements that turn a convolution into matrix products: {@link #im2col} and its adjoint
 * {@link #col2im}, and {@link #im2row}, the column matrix transposed, for the weight gradient.
 *
 * <h2>Layout of the column matrix</h2>
 * For one image of {@code C} channels (C_in, all groups together) and a band of output rows
 * {@code [i0, i1)}, the column matrix has {@code C·kH·kW} rows and {@code T = (i1 − i0)·W_out} columns,
 * row-major:
 * <pre>
 *   row r = (c·kH + u)·kW + v        (channel, kernel row, kernel column: the weight's own order)
 *   col t = (i − i0)·W_out + j       (output row, output column: the output's own order)
 *   cols[r·T + t] = x[c, i·sH + u·dH − padTop, j·sW + v·dW − padLeft]      (0 where that falls in the padding)
 * </pre>
 * A band's matrix may also be one block of columns of a wider matrix (several images side by side,
 * see {@code Conv2d}): the kernels take the offset of its first column and the row stride.
 *
 * <p>Because rows follow the weight's (c, u, v) order, group {@code g}'s rows are the contiguous block
 * starting at row {@code g·(C/groups)·kH·kW}, and the weight read row-major multiplies it as it is; because
 * columns follow the output's (i, j) order, the product is the band of the output, with no transposition.
 *
 * <h2>Loop order</h2>
 * im2col and col2im walk the column matrix in storage order (r, then i, then j), so its accesses are
 * sequential; for a fixed (r, i) the input is read along one row of one channel, with stride {@code sW}
 * (a plain {@code System.arraycopy} when {@code sW = 1}). The valid range of {@code j} for each kernel
 * column is computed once, so the inner loops have no bounds tests.
 *
 * <p>Stride 2 has loops of its own, indexing {@code 2·j} instead of {@code sW·j}: C2 compiles the
 * constant stride to faster code. Measured on the benchmark CNN's stride-2 layer (16 channels, 28×28,
 * 3×3: rows of 14 values), per image: im2col 22 instead of 32 µs, col2im 23 instead of 31 µs. The forward
 * pass and input gradient of a float32 convolution of small strided images go through {@link Phases}
 * instead, whose rows are contiguous.
 *
 * <p>{@link #im2row} walks its matrix in storage order too: position by position, each row of K values
 * written in turn (see there).
 */
final class Im2col {
    private Im2col() {
    }

    /**
     * Writes the column matrix of output rows {@code [i0, i1)} of one image: row r, column t at
     * {@code cols[colsOff + r·ld + t]}.
     *
     * @param x       the input batch, row-major (N, C_in, H, W); not modified
     * @param xOff    offset of the image in {@code x}
     * @param cols    modified: the C_in·kH·kW × T block at {@code colsOff} is overwritten
     * @param colsOff offset of the block's first value
     * @param ld      distance between the block's rows, at least T = (i1 − i0)·W_out
     */
    static void im2col(ConvGeometry g, double[] x, int xOff, int i0, int i1, double[] cols, int colsOff, int ld) {
        int row = 0;
        for (int c = 0; c < g.inChannels; c++) {
            int channelOff = xOff + c * g.height * g.width;
            for (int u = 0; u < g.kernelH; u++) {
                for (int v = 0; v < g.kernelW; v++, row++) {
                    int colShift = v * g.dilationW - g.padLeft;
                    int jLo = firstInside(colShift, g.strideW, g.outW);
                    int jHi = Math.max(jLo, firstInside(colShift - g.width, g.strideW, g.outW));
                    int dst = colsOff + row * ld;
                    for (int i = i0; i < i1; i++, dst += g.outW) {
                        int h = i * g.strideH + u * g.dilationH - g.padTop;
                        if (h < 0 || h >= g.height) {
                            Arrays.fill(cols, dst, dst + g.outW, 0.0);
                            continue;
                        }
                        int src = channelOff + h * g.width + colShift;
                        // the padded margins are a column or two: plain loops, not Arrays.fill calls
                        for (int j = 0; j < jLo; j++) {
                            cols[dst + j] = 0.0;
                        }
                        if (g.strideW == 1) {
                            // jHi == jLo: this kernel column sees only padding, and src + jLo may lie outside x
                            if (jHi > jLo) {
                                System.arraycopy(x, src + jLo, cols, dst + jLo, jHi - jLo);
                            }
                        } else if (g.strideW == 2) {
                            // the constant stride compiles to faster code (see the class comment)
                            for (int j = jLo; j < jHi; j++) {
                                cols[dst + j] = x[src + 2 * j];
                            }
                        } else {
                            for (int j = jLo; j < jHi; j++) {
                                cols[dst + j] = x[src + j * g.strideW];
                            }
                        }
                        for (int j = jHi; j < g.outW; j++) {
                            cols[dst + j] = 0.0;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #im2col(ConvGeometry, double[], int, int, int, double[], int, int) im2col} into floats, for a
     * float32 input (whose values are floats, so nothing is rounded): the column matrix of a single-precision
     * product, which the GEMM then packs by copying instead of converting ({@code Gemm.multiplySingle}). The
     * loops are the double version's, written out again because Java has no generics over primitive arrays.
     */
    static void im2col(ConvGeometry g, double[] x, int xOff, int i0, int i1, float[] cols, int colsOff, int ld) {
        im2col(g, x, null, xOff, i0, i1, cols, colsOff, ld);
    }

    /**
     * {@link #im2col(ConvGeometry, double[], int, int, int, float[], int, int) im2col} into floats from an
     * input given as doubles or, when {@code xFloats} is not null, as floats (read instead of {@code x}, which
     * may then be null): a float32 input held as floats is copied, not converted.
     */
    static void im2col(ConvGeometry g, double[] x, float[] xFloats, int xOff, int i0, int i1, float[] cols,
            int colsOff, int ld) {
        int row = 0;
        for (int c = 0; c < g.inChannels; c++) {
            int channelOff = xOff + c * g.height * g.width;
            for (int u = 0; u < g.kernelH; u++) {
                for (int v = 0; v < g.kernelW; v++, row++) {
                    int colShift = v * g.dilationW - g.padLeft;
                    int jLo = firstInside(colShift, g.strideW, g.outW);
                    int jHi = Math.max(jLo, firstInside(colShift - g.width, g.strideW, g.outW));
                    int dst = colsOff + row * ld;
                    for (int i = i0; i < i1; i++, dst += g.outW) {
                        int h = i * g.strideH + u * g.dilationH - g.padTop;
                        if (h < 0 || h >= g.height) {
                            Arrays.fill(cols, dst, dst + g.outW, 0f);
                            continue;
                        }
                        int src = channelOff + h * g.width + colShift;
                        for (int j = 0; j < jLo; j++) {
                            cols[dst + j] = 0f;
                        }
                        if (xFloats != null) {
                            copyStrided(xFloats, src, g.strideW, cols, dst, jLo, jHi);
                        } else {
                            copyStrided(x, src, g.strideW, cols, dst, jLo, jHi);
                        }
                        for (int j = jHi; j < g.outW; j++) {
                            cols[dst + j] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * The column matrix of output rows {@code [i0, i1)} of one image, transposed, in floats: one row per
     * output position t, holding its receptive field in the weight's (c, u, v) order, group by group.
     * With {@code K = C_in/G·kH·kW} and {@code c = grp·C_in/G + c'}:
     * <pre>
     *   rows[rowsOff + grp·groupStride + t·K + (c'·kH + u)·kW + v] = x[c, i·sH + u·dH − padTop, j·sW + v·dW − padLeft]
     * </pre>
     * (0 in the padding), t = (i − i0)·W_out + j. This is op(B) of a weight gradient {@code dW[g] += G[g]·X[g]ᵀ}
     * as stored, so the GEMM packs it by copying rows instead of transposing X (measured on the benchmark
     * CNN's stride-2 layer, one thread: 15 µs per image here, against 14.6 for its phases' im2col and 11
     * for the transposed packing). Each output position reads kW neighbouring pixels per (c, u). With a
     * float input and a 3×3 kernel (dilation 1), a position whose taps all fall inside the image copies
     * them as nine unrolled copies per channel, and a 3-wide kernel row as three, with zeros for the taps
     * in the padding; other kernels test each tap ({@link #copyTaps}).
     *
     * @param x           the input batch as doubles, row-major (N, C_in, H, W), or null when given as floats
     * @param xFloats     the input batch as floats, or null; read instead of {@code x}
     * @param xOff        offset of the image in the input
     * @param rows        modified: each group's (i1 − i0)·W_out × K block
     * @param rowsOff     offset of the first group's block
     * @param groupStride distance between the groups' blocks
     */
    static void im2row(ConvGeometry g, double[] x, float[] xFloats, int xOff, int i0, int i1, float[] rows,
            int rowsOff, int groupStride) {
        int inPerGroup = g.inPerGroup();
        int k = g.patchSize();
        int kh = g.kernelH;
        int kw = g.kernelW;
        int taps = kh * kw;
        int outW = g.outW;
        int strideW = g.strideW;
        int dilationW = g.dilationW;
        int planeSize = g.height * g.width;
        // output columns [jLo, jHi) see only pixels inside the image with every kernel column
        int jLo = firstInside(-g.padLeft, strideW, outW);
        int jHi = Math.max(jLo, firstInside((kw - 1) * dilationW - g.padLeft - g.width, strideW, outW));
        boolean threeTaps = kw == 3 && dilationW == 1 && xFloats != null;
        boolean threeByThree = threeTaps && kh == 3 && g.dilationH == 1;
        for (int grp = 0; grp < g.groups; grp++) {
            int groupOff = xOff + grp * inPerGroup * planeSize;
            int dst = rowsOff + grp * groupStride;
            for (int i = i0; i < i1; i++) {
                int h0 = i * g.strideH - g.padTop;
                boolean rowsInside = h0 >= 0 && h0 + (kh - 1) * g.dilationH < g.height;
                for (int j = 0; j < outW; j++, dst += k) {
                    int w0 = j * strideW - g.padLeft;
                    boolean inside = j >= jLo && j < jHi;
                    if (inside && rowsInside && threeByThree) {
                        // the common 3×3 kernel, wholly inside the image: nine copies per channel
                        int width = g.width;
                        int src = groupOff + h0 * width + w0;
                        for (int c = 0; c < inPerGroup; c++) {
                            int a = dst + c * 9;
                            int b = src + c * planeSize;
                            rows[a] = xFloats[b];
                            rows[a + 1] = xFloats[b + 1];
                            rows[a + 2] = xFloats[b + 2];
                            rows[a + 3] = xFloats[b + width];
                            rows[a + 4] = xFloats[b + width + 1];
                            rows[a + 5] = xFloats[b + width + 2];
                            rows[a + 6] = xFloats[b + 2 * width];
                            rows[a + 7] = xFloats[b + 2 * width + 1];
                            rows[a + 8] = xFloats[b + 2 * width + 2];
                        }
                        continue;
                    }
                    // with three taps per kernel row: which of them fall inside the image's columns
                    boolean left = w0 >= 0 && w0 < g.width;
                    boolean middle = w0 + 1 >= 0 && w0 + 1 < g.width;
                    boolean right = w0 + 2 >= 0 && w0 + 2 < g.width;
                    for (int u = 0; u < kh; u++) {
                        int h = i * g.strideH + u * g.dilationH - g.padTop;
                        // tap (c, u, v) of this position is at dst + c·kH·kW + u·kW + v
                        int at = dst + u * kw;
                        if (h < 0 || h >= g.height) {
                            for (int c = 0; c < inPerGroup; c++) {
                                Arrays.fill(rows, at + c * taps, at + c * taps + kw, 0f);
                            }
                        } else if (threeTaps) {
                            // the common 3-wide kernel: three copies per channel (zeros in the padding)
                            int src = groupOff + h * g.width + w0;
                            for (int c = 0; c < inPerGroup; c++) {
                                int a = at + c * taps;
                                int b = src + c * planeSize;
                                rows[a] = left ? xFloats[b] : 0f;
                                rows[a + 1] = middle ? xFloats[b + 1] : 0f;
                                rows[a + 2] = right ? xFloats[b + 2] : 0f;
                            }
                        } else {
                            int src = groupOff + h * g.width + w0;
                            for (int c = 0; c < inPerGroup; c++) {
                                copyTaps(g, x, xFloats, src + c * planeSize, w0, rows, at + c * taps);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The taps of a kernel row whose first lies at input column {@code w0}, from pixel {@code src}:
     * {@code rows[at + v] = x[src + v·dW]} where that pixel is inside the row, else 0 (v &lt; kW).
     */
    private static void copyTaps(ConvGeometry g, double[] x, float[] xFloats, int src, int w0, float[] rows,
            int at) {
        for (int v = 0; v < g.kernelW; v++) {
            int w = w0 + v * g.dilationW;
            int pixel = src + v * g.dilationW;
            rows[at + v] = w < 0 || w >= g.width ? 0f : xFloats != null ? xFloats[pixel] : (float) x[pixel];
        }
    }

    /** {@code cols[dst + j] = (float) x[src + j·step]} for jLo ≤ j &lt; jHi (step 1 and 2 spelled out for the JIT). */
    private static void copyStrided(double[] x, int src, int step, float[] cols, int dst, int jLo, int jHi) {
        if (step == 1) {
            for (int j = jLo; j < jHi; j++) {
                cols[dst + j] = (float) x[src + j];
            }
        } else if (step == 2) {
            for (int j = jLo; j < jHi; j++) {
                cols[dst + j] = (float) x[src + 2 * j];
            }
        } else {
            for (int j = jLo; j < jHi; j++) {
                cols[dst + j] = (float) x[src + j * step];
            }
        }
    }

    /** {@code cols[dst + j] = x[src + j·step]} for jLo ≤ j &lt; jHi, from floats. */
    private static void copyStrided(float[] x, int src, int step, float[] cols, int dst, int jLo, int jHi) {
        if (step == 1) {
            if (jHi > jLo) {
                System.arraycopy(x, src + jLo, cols, dst + jLo, jHi - jLo);
            }
        } else {
            for (int j = jLo; j < jHi; j++) {
                cols[dst + j] = x[src + j * step];
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every entry of the column matrix back onto the pixel it was
     * read from (a pixel read by several kernel positions receives the sum). Entries that came from the
     * padding are dropped.
     *
     * @param cols    holds the column matrix of output rows {@code [i0, i1)} of one image (C_in·kH·kW × T),
     *                laid out as {@link #im2col} writes it; not modified
     * @param colsOff offset of its first value
     * @param ld      distance between its rows
     * @param dx      the input-gradient batch, row-major (N, C_in, H, W); modified: accumulated into
     * @param xOff    offset of the image in {@code dx}
     */
    static void col2im(ConvGeometry g, double[] cols, int colsOff, int ld, int i0, int i1, double[] dx, int xOff) {
        int row = 0;
        for (int c = 0; c < g.inChannels; c++) {
            int channelOff = xOff + c * g.height * g.width;
            for (int u = 0; u < g.kernelH; u++) {
                for (int v = 0; v < g.kernelW; v++, row++) {
                    int colShift = v * g.dilationW - g.padLeft;
                    int jLo = firstInside(colShift, g.strideW, g.outW);
                    int jHi = Math.max(jLo, firstInside(colShift - g.width, g.strideW, g.outW));
                    int srcRow = colsOff + row * ld;
                    for (int i = i0; i < i1; i++, srcRow += g.outW) {
                        int h = i * g.strideH + u * g.dilationH - g.padTop;
                        if (h < 0 || h >= g.height) {
                            continue;
                        }
                        int dst = channelOff + h * g.width + colShift;
                        if (g.strideW == 1) {
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + j] += cols[srcRow + j];
                            }
                        } else if (g.strideW == 2) {
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + 2 * j] += cols[srcRow + j];
                            }
                        } else {
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + j * g.strideW] += cols[srcRow + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #col2im(ConvGeometry, double[], int, int, int, int, double[], int) col2im} in floats, for a
     * float32 input gradient: the column matrix is the single-precision product {@code Wᵀ·G}, and the sums
     * are in float, as PyTorch sums them. The loops are the double version's, written out again (see
     * {@link #im2col(ConvGeometry, double[], int, int, int, float[], int, int) im2col}).
     */
    static void col2im(ConvGeometry g, float[] cols, int colsOff, int ld, int i0, int i1, float[] dx, int xOff) {
        int row = 0;
        for (int c = 0; c < g.inChannels; c++) {
            int channelOff = xOff + c * g.height * g.width;
            for (int u = 0; u < g.kernelH; u++) {
                for (int v = 0; v < g.kernelW; v++, row++) {
                    int colShift = v * g.dilationW - g.padLeft;
                    int jLo = firstInside(colShift, g.strideW, g.outW);
                    int jHi = Math.max(jLo, firstInside(colShift - g.width, g.strideW, g.outW));
                    int srcRow = colsOff + row * ld;
                    for (int i = i0; i < i1; i++, srcRow += g.outW) {
                        int h = i * g.strideH + u * g.dilationH - g.padTop;
                        if (h < 0 || h >= g.height) {
                            continue;
                        }
                        int dst = channelOff + h * g.width + colShift;
                        if (g.strideW == 1) {
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + j] += cols[srcRow + j];
                            }
                        } else if (g.strideW == 2) {
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + 2 * j] += cols[srcRow + j];
                            }
                        } else {
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + j * g.strideW] += cols[srcRow + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /** The smallest j in [0, limit] with {@code j·stride + shift ≥ 0}. */
    private static int firstInside(int shift, int stride, int limit) {
        return Math.min(limit, Math.max(0, Args.ceilDiv(-shift, stride)));
    }
}
