package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Gemm;
import org.tapegrad.autograd.ops.Kernels;

/**
 * 2-D cross-correlation (PyTorch's {@code conv2d}) as matrix products over a column matrix.
 *
 * <h2>Shapes</h2>
 * input {@code x} (N, C_in, H, W), weight {@code w} (C_out, C_in/G, kH, kW), bias {@code b} (C_out) or
 * null, output (N, C_out, H_out, W_out) with H_out, W_out as in {@link ConvGeometry}. With
 * {@code x_pad} the zero-padded input and {@code g(o) = o / (C_out/G)} the group of output channel o:
 * <pre>
 *   out[n, o, i, j] = b[o] + Σ_{c,u,v} w[o, c, u, v] · x_pad[n, g(o)·C_in/G + c, i·sH + u·dH, j·sW + v·dW]
 * </pre>
 *
 * <h2>Design: banded im2col + GEMM</h2>
 * {@link Im2col#im2col} copies every receptive field into one column of a matrix {@code X} of
 * (C_in·kH·kW) rows, one column per output position. The weight, read row-major, already is a
 * (C_out, C_in/G·kH·kW) matrix, so each group {@code g} is one {@link Gemm#multiply} over contiguous
 * blocks (K = C_in/G·kH·kW rows per group, T columns):
 * <pre>
 *   forward:   Y[g]   = W[g] · X[g]            (C_out/G × K)·(K × T), then + b
 *   weight:    dW[g] += G[g] · X[g]ᵀ            (C_out/G × T)·(T × K), summed over bands and images
 *   input:     dX[g]  = W[g]ᵀ · G[g]            (K × C_out/G)·(C_out/G × T), then col2im adds dX onto dx
 *   bias:      db[o]  = Σ_{n,i,j} g[n, o, i, j]
 * </pre>
 * The transposes are flags to the GEMM, never copies.
 *
 * <p><b>Bands.</b> The whole column matrix of one 224×224 image of 3 channels and a 3×3 kernel is
 * 27 × 50,176 values (10.8 MB); building it, then streaming it through the GEMM three times (forward,
 * dW, dX) would be limited by memory bandwidth and by allocating it. So the matrix is built for a band
 * of output rows at a time ({@code T = rows·W_out} columns), sized to stay within {@link #BAND_BUDGET}
 * values (512 KB), small enough to stay in cache between im2col and the GEMMs that read it. The
 * products of a band are written to a small staging buffer (C_out × T) and copied into the output
 * channel by channel, because the GEMM takes dense matrices and a band of the output is strided (row
 * stride H_out·W_out); in backward the band of the output gradient is gathered the same way. Only the
 * input and the weight are saved for backward; the backward rebuilds the columns only when the weight
 * needs a gradient, and runs col2im only when the input does.
 *
 * <h2>Padding</h2>
 * Zeros, possibly asymmetric: PyTorch's {@code padding="same"} (stride 1 only) pads {@code d·(k−1)} in
 * total per dimension, {@code ⌊total/2⌋} before and the rest after, so an even kernel gets its extra
 * row/column at the bottom/right; {@code "valid"} means no padding.
 *
 * <p>Arithmetic is in double; float32 outputs and gradients are rounded once at the end.
 */
final class Conv2d {
    private static final String OP = "conv2d";
    /**
     * Values in one band of the column matrix: 2^16 doubles (512 KB), about a core's L2 cache. Measured on
     * the seed's shape (1, 3, 224, 224) with a 3×3 kernel and a blocked GEMM: budgets from 2^15 to 2^21
     * (the whole image) were within about 20% of each other, 2^16 the fastest.
     */
    static final int BAND_BUDGET = 1 << 16;

    private Conv2d() {
    }

    /** Convolution with symmetric padding {@code (pH, pW)}; stride, padding, dilation are (h, w) pairs or one int. */
    static Tensor apply(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        int[] p = Args.pair(OP, "padding", padding);
        return convolve(x, w, b, Args.pair(OP, "stride", stride), new int[] {p[0], p[0], p[1], p[1]},
                Args.pair(OP, "dilation", dilation), groups);
    }

    /** Convolution with padding {@code "same"} or {@code "valid"}. */
    static Tensor apply(Tensor x, Tensor w, Tensor b, int[] stride, String padding, int[] dilation, int groups) {
        int[] s = Args.pair(OP, "stride", stride);
        int[] d = Args.pair(OP, "dilation", dilation);
        if ("valid".equals(padding)) {
            return convolve(x, w, b, s, new int[4], d, groups);
        }
        if (!"same".equals(padding)) {
            throw new IllegalArgumentException(OP + ": Invalid padding string '" + padding
                    + "', should be one of {'same', 'valid'}");
        }
        if (s[0] != 1 || s[1] != 1) {
            throw new IllegalArgumentException(OP + ": padding='same' is not supported for strided convolutions "
                    + "(got stride [" + s[0] + ", " + s[1] + "])");
        }
        if (w.dim() != 4) {
            // let the common validation report it
            return convolve(x, w, b, s, new int[4], d, groups);
        }
        int totalH = d[0] * (w.size(2) - 1);
        int totalW = d[1] * (w.size(3) - 1);
        int[] pad = {totalH / 2, totalH - totalH / 2, totalW / 2, totalW - totalW / 2};
        return convolve(x, w, b, s, pad, d, groups);
    }

    /**
     * The convolution proper.
     *
     * @param pad (top, bottom, left, right)
     */
    private static Tensor convolve(Tensor x, Tensor w, Tensor b, int[] stride, int[] pad, int[] dilation, int groups) {
        ConvGeometry g = ConvGeometry.of(OP, x.shape(), w.shape(), stride, pad, dilation, groups);
        Args.sameType(OP, "input", x, "weight", w);
        Args.sameType(OP, "input", x, "bias", b);
        Args.vectorOfLength(OP, "bias", b, g.outChannels, "one per output channel");

        double[] out = forward(g, Kernels.rowMajor(x), Kernels.rowMajor(w), b == null ? null : Kernels.rowMajor(b));
        Tensor result = Tensor.wrap(out, x.dtype(), g.outputShape());
        if (Autograd.needsGrad(x, w, b)) {
            Autograd.record(result, new Node(OP, x, w, b) {
                // the input's gradient needs the weight, and the weight's gradient needs the input
                final SavedTensor savedX = needsInputGrad(1) ? save(x) : null;
                final SavedTensor savedW = needsInputGrad(0) ? save(w) : null;

                @Override
                protected Tensor[] backward(Tensor gradOut) {
                    double[] gd = Kernels.rowMajor(gradOut);
                    double[] xd = savedX == null ? null : Kernels.rowMajor(savedX.get());
                    double[] wd = savedW == null ? null : Kernels.rowMajor(savedW.get());
                    double[] dx = wd == null ? null : new double[g.batch * g.inImage()];
                    double[] dw = xd == null ? null : new double[w.numel()];
                    gradients(g, gd, xd, wd, dx, dw);
                    return new Tensor[] {
                        dx == null ? null : Tensor.wrap(dx, x.dtype(), x.shape()),
                        dw == null ? null : Tensor.wrap(dw, w.dtype(), w.shape()),
                        needsInputGrad(2) ? Tensor.wrap(biasGradient(g, gd), b.dtype(), b.shape()) : null};
                }
            });
        }
        return result;
    }

    /** The output, row-major (N, C_out, H_out, W_out). */
    private static double[] forward(ConvGeometry g, double[] x, double[] w, double[] b) {
        int plane = g.outPlane();
        int k = g.patchSize();
        int outPerGroup = g.outPerGroup();
        int bandRows = g.bandRows(BAND_BUDGET);
        double[] out = new double[g.batch * g.outChannels * plane];
        double[] cols = new double[g.columnRows() * bandRows * g.outW];
        double[] outBand = new double[g.outChannels * bandRows * g.outW];
        for (int n = 0; n < g.batch; n++) {
            for (int i0 = 0; i0 < g.outH; i0 += bandRows) {
                int i1 = Math.min(g.outH, i0 + bandRows);
                int band = (i1 - i0) * g.outW;
                Im2col.im2col(g, x, n * g.inImage(), i0, i1, cols);
                for (int grp = 0; grp < g.groups; grp++) {
                    Gemm.multiply(outPerGroup, band, k, w, grp * outPerGroup * k, false, cols, grp * k * band, false,
                            outBand, grp * outPerGroup * band, false);
                }
                for (int o = 0; o < g.outChannels; o++) {
                    int dst = (n * g.outChannels + o) * plane + i0 * g.outW;
                    double bias = b == null ? 0.0 : b[o];
                    for (int t = 0; t < band; t++) {
                        out[dst + t] = outBand[o * band + t] + bias;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Input and weight gradients, band by band.
     *
     * @param x  the input, or null when the weight needs no gradient
     * @param w  the weight, or null when the input needs no gradient
     * @param dx zeros of the input's size, or null; modified: receives the input gradient
     * @param dw zeros of the weight's size, or null; modified: receives the weight gradient
     */
    private static void gradients(ConvGeometry g, double[] gd, double[] x, double[] w, double[] dx, double[] dw) {
        int plane = g.outPlane();
        int k = g.patchSize();
        int outPerGroup = g.outPerGroup();
        int bandRows = g.bandRows(BAND_BUDGET);
        int colSize = g.columnRows() * bandRows * g.outW;
        double[] cols = dw != null ? new double[colSize] : null;
        double[] dcols = dx != null ? new double[colSize] : null;
        double[] gBand = new double[g.outChannels * bandRows * g.outW];
        for (int n = 0; n < g.batch; n++) {
            for (int i0 = 0; i0 < g.outH; i0 += bandRows) {
                int i1 = Math.min(g.outH, i0 + bandRows);
                int band = (i1 - i0) * g.outW;
                for (int o = 0; o < g.outChannels; o++) {
                    System.arraycopy(gd, (n * g.outChannels + o) * plane + i0 * g.outW, gBand, o * band, band);
                }
                if (dw != null) {
                    Im2col.im2col(g, x, n * g.inImage(), i0, i1, cols);
                    for (int grp = 0; grp < g.groups; grp++) {
                        Gemm.multiply(outPerGroup, k, band, gBand, grp * outPerGroup * band, false,
                                cols, grp * k * band, true, dw, grp * outPerGroup * k, true);
                    }
                }
                if (dx != null) {
                    for (int grp = 0; grp < g.groups; grp++) {
                        Gemm.multiply(k, band, outPerGroup, w, grp * outPerGroup * k, true,
                                gBand, grp * outPerGroup * band, false, dcols, grp * k * band, false);
                    }
                    Im2col.col2im(g, dcols, i0, i1, dx, n * g.inImage());
                }
            }
        }
    }

    /** db[o] = Σ over images and output positions of the output gradient. */
    private static double[] biasGradient(ConvGeometry g, double[] gd) {
        int plane = g.outPlane();
        double[] db = new double[g.outChannels];
        for (int n = 0; n < g.batch; n++) {
            for (int o = 0; o < g.outChannels; o++) {
                int off = (n * g.outChannels + o) * plane;
                double s = 0;
                for (int l = 0; l < plane; l++) {
                    s += gd[off + l];
                }
                db[o] += s;
            }
        }
        return db;
    }
}
