package org.tapegrad.autograd.functional;

import java.util.Arrays;

/**
 * im2col and col2im of a strided convolution through the input's phases, in floats, for whole images.
 *
 * <h2>Why</h2>
 * With stride s, a row of the column matrix reads every s-th pixel of an input row: {@link Im2col}'s loops
 * stride through the input (or, in col2im, add onto it) in short runs, one per output row, for instance
 * 2,016 runs of 14 values per image on the benchmark CNN's stride-2 layer (16 channels, 28×28, 3×3), where
 * the cost is the runs, not the values. Split by phase, the same rows are contiguous, and most of them a
 * single copy of the whole row.
 *
 * <h2>Layout</h2>
 * Pixel (h, w) of channel c belongs to phase (h mod sH, w mod sW), at position (h div sH, w div sW) of that
 * phase's plane of {@code PH = ⌈H/sH⌉} rows and {@code PW = ⌈W/sW⌉} columns:
 * <pre>
 *   phases[pOff + (((c·sH + h mod sH)·sW + w mod sW)·PH + h div sH)·PW + w div sW] = x[c, h, w]
 * </pre>
 * (positions past the image's edge in the last row or column of a phase are never read). Entry (i, j) of
 * the column matrix's row (c, u, v) reads pixel {@code h = i·sH + u·dH − padTop}, {@code w = j·sW + v·dW −
 * padLeft} (see {@link Im2col}): with {@code u·dH − padTop = di·sH + rp} ({@code 0 ≤ rp < sH}) and the same
 * for columns, that is entry (i + di, j + dj) of phase (rp, cp). So the row is a shifted block of one
 * phase plane; when {@code PW = W_out} and no column of it falls in the padding, the whole block is one
 * contiguous copy.
 *
 * <p>The column matrix and the phases are in floats: this is the float32 path of {@code Conv2d}, whose
 * products take float columns. The sums of {@link #col2im} add each pixel's entries in the same order as
 * {@link Im2col#col2im(ConvGeometry, float[], int, int, int, int, float[], int)}, so the results are the
 * same, bit for bit.
 */
final class Phases {
    private Phases() {
    }

    /** Values of one image's phases: {@code C_in·sH·sW·PH·PW}. */
    static int values(ConvGeometry g) {
        return g.inChannels * g.strideH * g.strideW * rows(g) * columns(g);
    }

    /**
     * Splits one image into its phases, rounding to float (exact for a float32 input).
     *
     * @param x    the input batch, row-major (N, C_in, H, W); not modified
     * @param xOff offset of the image in {@code x}
     * @param out  modified: the image's {@link #values} phase values from {@code pOff}
     */
    static void split(ConvGeometry g, double[] x, int xOff, float[] out, int pOff) {
        split(g, x, null, xOff, out, pOff);
    }

    /**
     * {@link #split(ConvGeometry, double[], int, float[], int) split} of an image given as doubles or, when
     * {@code xFloats} is not null, as floats (read instead of {@code x}, which may then be null).
     */
    static void split(ConvGeometry g, double[] x, float[] xFloats, int xOff, float[] out, int pOff) {
        int phaseColumns = columns(g);
        int planeSize = rows(g) * phaseColumns;
        // input row h = a·sH + rp is row a of the phases (rp, ·): walked by phase, with no divisions
        for (int c = 0; c < g.inChannels; c++) {
            for (int rp = 0; rp < g.strideH; rp++) {
                int src = xOff + (c * g.height + rp) * g.width;
                int dst = pOff + (c * g.strideH + rp) * g.strideW * planeSize;
                for (int h = rp; h < g.height; h += g.strideH, src += g.strideH * g.width, dst += phaseColumns) {
                    if (xFloats != null) {
                        splitRow(g, xFloats, src, out, dst, planeSize);
                    } else {
                        splitRow(g, x, src, out, dst, planeSize);
                    }
                }
            }
        }
    }

    /** One input row into its row of each column phase (planes {@code planeSize} apart). */
    private static void splitRow(ConvGeometry g, double[] x, int src, float[] out, int dst, int planeSize) {
        if (g.strideW == 2) {
            // both phases of the row in one pass over it
            int pairs = g.width / 2;
            for (int b = 0; b < pairs; b++) {
                out[dst + b] = (float) x[src + 2 * b];
                out[dst + planeSize + b] = (float) x[src + 2 * b + 1];
            }
            if (g.width % 2 != 0) {
                out[dst + pairs] = (float) x[src + g.width - 1];
            }
        } else {
            for (int cp = 0; cp < g.strideW; cp++, dst += planeSize) {
                for (int w = cp, b = 0; w < g.width; w += g.strideW, b++) {
                    out[dst + b] = (float) x[src + w];
                }
            }
        }
    }

    /** {@link #splitRow(ConvGeometry, double[], int, float[], int, int) splitRow} from floats. */
    private static void splitRow(ConvGeometry g, float[] x, int src, float[] out, int dst, int planeSize) {
        if (g.strideW == 2) {
            int pairs = g.width / 2;
            for (int b = 0; b < pairs; b++) {
                out[dst + b] = x[src + 2 * b];
                out[dst + planeSize + b] = x[src + 2 * b + 1];
            }
            if (g.width % 2 != 0) {
                out[dst + pairs] = x[src + g.width - 1];
            }
        } else {
            for (int cp = 0; cp < g.strideW; cp++, dst += planeSize) {
                for (int w = cp, b = 0; w < g.width; w += g.strideW, b++) {
                    out[dst + b] = x[src + w];
                }
            }
        }
    }

    /**
     * The inverse of {@link #split}: writes one image's pixels from its phases (every pixel: dx need not be
     * zero).
     *
     * @param dx   the input-gradient batch, row-major (N, C_in, H, W); modified: the image is overwritten
     * @param xOff offset of the image in {@code dx}
     */
    static void merge(ConvGeometry g, float[] phases, int pOff, double[] dx, int xOff) {
        merge(g, phases, pOff, dx, null, xOff);
    }

    /**
     * {@link #merge(ConvGeometry, float[], int, double[], int) merge} into dx as doubles or, when
     * {@code dxFloats} is not null, as floats (written instead of {@code dx}, which may then be null).
     */
    static void merge(ConvGeometry g, float[] phases, int pOff, double[] dx, float[] dxFloats, int xOff) {
        int phaseColumns = columns(g);
        int planeSize = rows(g) * phaseColumns;
        for (int c = 0; c < g.inChannels; c++) {
            for (int rp = 0; rp < g.strideH; rp++) {
                int dst = xOff + (c * g.height + rp) * g.width;
                int src = pOff + (c * g.strideH + rp) * g.strideW * planeSize;
                for (int h = rp; h < g.height; h += g.strideH, dst += g.strideH * g.width, src += phaseColumns) {
                    if (dxFloats != null) {
                        mergeRow(g, phases, src, planeSize, dxFloats, dst);
                    } else {
                        mergeRow(g, phases, src, planeSize, dx, dst);
                    }
                }
            }
        }
    }

    /** One row of dx from its row of each column phase (planes {@code planeSize} apart). */
    private static void mergeRow(ConvGeometry g, float[] phases, int src, int planeSize, double[] dx, int dst) {
        if (g.strideW == 2) {
            int pairs = g.width / 2;
            for (int b = 0; b < pairs; b++) {
                dx[dst + 2 * b] = phases[src + b];
                dx[dst + 2 * b + 1] = phases[src + planeSize + b];
            }
            if (g.width % 2 != 0) {
                dx[dst + g.width - 1] = phases[src + pairs];
            }
        } else {
            for (int cp = 0; cp < g.strideW; cp++, src += planeSize) {
                for (int w = cp, b = 0; w < g.width; w += g.strideW, b++) {
                    dx[dst + w] = phases[src + b];
                }
            }
        }
    }

    /** {@link #mergeRow(ConvGeometry, float[], int, int, double[], int) mergeRow} into floats. */
    private static void mergeRow(ConvGeometry g, float[] phases, int src, int planeSize, float[] dx, int dst) {
        if (g.strideW == 2) {
            int pairs = g.width / 2;
            for (int b = 0; b < pairs; b++) {
                dx[dst + 2 * b] = phases[src + b];
                dx[dst + 2 * b + 1] = phases[src + planeSize + b];
            }
            if (g.width % 2 != 0) {
                dx[dst + g.width - 1] = phases[src + pairs];
            }
        } else {
            for (int cp = 0; cp < g.strideW; cp++, src += planeSize) {
                for (int w = cp, b = 0; w < g.width; w += g.strideW, b++) {
                    dx[dst + w] = phases[src + b];
                }
            }
        }
    }

    /**
     * The column matrix of one whole image (output rows 0 to H_out), from its phases: the same values as
     * {@link Im2col#im2col(ConvGeometry, double[], int, int, int, float[], int, int)}.
     *
     * @param cols    modified: the C_in·kH·kW × (H_out·W_out) block at {@code colsOff} is overwritten
     * @param ld      distance between the block's rows, at least H_out·W_out
     */
    static void im2col(ConvGeometry g, float[] phases, int pOff, float[] cols, int colsOff, int ld) {
        int outW = g.outW;
        int phaseColumns = columns(g);
        int row = 0;
        for (int c = 0; c < g.inChannels; c++) {
            for (int u = 0; u < g.kernelH; u++) {
                Shift rowShift = Shift.of(u * g.dilationH - g.padTop, g.strideH, g.height, g.outH);
                for (int v = 0; v < g.kernelW; v++, row++) {
                    Shift colShift = Shift.of(v * g.dilationW - g.padLeft, g.strideW, g.width, outW);
                    int dst = colsOff + row * ld;
                    int src = pOff + plane(g, c, rowShift.phase, colShift.phase) + rowShift.steps * phaseColumns
                            + colShift.steps;
                    Arrays.fill(cols, dst, dst + rowShift.from * outW, 0f);
                    if (isWholeRows(g, colShift)) {
                        System.arraycopy(phases, src + rowShift.from * outW, cols, dst + rowShift.from * outW,
                                (rowShift.to - rowShift.from) * outW);
                    } else {
                        // the padded margins are a column or two: plain loops, not Arrays.fill calls
                        for (int i = rowShift.from; i < rowShift.to; i++) {
                            int d = dst + i * outW;
                            int s = src + i * phaseColumns;
                            for (int j = 0; j < colShift.from; j++) {
                                cols[d + j] = 0f;
                            }
                            System.arraycopy(phases, s + colShift.from, cols, d + colShift.from,
                                    colShift.to - colShift.from);
                            for (int j = colShift.to; j < outW; j++) {
                                cols[d + j] = 0f;
                            }
                        }
                    }
                    Arrays.fill(cols, dst + rowShift.to * outW, dst + g.outH * outW, 0f);
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every entry of one whole image's column matrix onto its pixel's
     * place in the phases, in the order of {@link Im2col#col2im} (entries from the padding are dropped).
     *
     * @param phases modified: accumulated into, from {@code pOff}
     */
    static void col2im(ConvGeometry g, float[] cols, int colsOff, int ld, float[] phases, int pOff) {
        int outW = g.outW;
        int phaseColumns = columns(g);
        int row = 0;
        for (int c = 0; c < g.inChannels; c++) {
            for (int u = 0; u < g.kernelH; u++) {
                Shift rowShift = Shift.of(u * g.dilationH - g.padTop, g.strideH, g.height, g.outH);
                for (int v = 0; v < g.kernelW; v++, row++) {
                    Shift colShift = Shift.of(v * g.dilationW - g.padLeft, g.strideW, g.width, outW);
                    int src = colsOff + row * ld;
                    int dst = pOff + plane(g, c, rowShift.phase, colShift.phase) + rowShift.steps * phaseColumns
                            + colShift.steps;
                    if (isWholeRows(g, colShift)) {
                        int from = rowShift.from * outW;
                        int to = rowShift.to * outW;
                        for (int t = from; t < to; t++) {
                            phases[dst + t] += cols[src + t];
                        }
                    } else {
                        for (int i = rowShift.from; i < rowShift.to; i++) {
                            int s = src + i * outW;
                            int d = dst + i * phaseColumns;
                            for (int j = colShift.from; j < colShift.to; j++) {
                                phases[d + j] += cols[s + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Rows of a phase plane: ⌈H/sH⌉. */
    private static int rows(ConvGeometry g) {
        return Args.ceilDiv(g.height, g.strideH);
    }

    /** Columns of a phase plane: ⌈W/sW⌉. */
    private static int columns(ConvGeometry g) {
        return Args.ceilDiv(g.width, g.strideW);
    }

    /** Offset of phase (rp, cp) of channel c in an image's phases. */
    private static int plane(ConvGeometry g, int c, int rp, int cp) {
        return ((c * g.strideH + rp) * g.strideW + cp) * rows(g) * columns(g);
    }

    /** Whether a row of the column matrix is one contiguous block of its phase plane. */
    private static boolean isWholeRows(ConvGeometry g, Shift colShift) {
        return columns(g) == g.outW && colShift.from == 0 && colShift.to == g.outW;
    }

    /**
     * Where a kernel offset lands along one axis: input index {@code i·stride + offset = (i + steps)·stride +
     * phase}, inside the input for output indices [from, to).
     */
    private record Shift(int phase, int steps, int from, int to) {
        static Shift of(int offset, int stride, int size, int outSize) {
            int from = Math.min(outSize, Math.max(0, Args.ceilDiv(-offset, stride)));
            int to = Math.max(from, Math.min(outSize, Math.max(0, Args.ceilDiv(size - offset, stride))));
            return new Shift(Math.floorMod(offset, stride), Math.floorDiv(offset, stride), from, to);
        }
    }
}
