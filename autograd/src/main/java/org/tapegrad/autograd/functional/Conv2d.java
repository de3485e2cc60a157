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
 * <h2>Design: im2col + GEMM</h2>
 * For each image n, {@link Im2col#im2col} copies every receptive field into one column of a matrix
 * {@code X_n} of (C_in·kH·kW) rows and L = H_out·W_out columns. The weight, read row-major, already is a
 * (C_out, C_in/G·kH·kW) matrix, so each group {@code g} is one {@link Gemm#multiply} over contiguous
 * blocks (K = C_in/G·kH·kW rows per group):
 * <pre>
 *   forward:   Y_n[g]  = W[g] · X_n[g]            (C_out/G × K)·(K × L)       (bias pre-filled, accumulated onto)
 *   weight:    dW[g]  += G_n[g] · X_n[g]ᵀ          (C_out/G × L)·(L × K), summed over n
 *   input:     dX_n[g] = W[g]ᵀ · G_n[g]            (K × C_out/G)·(C_out/G × L), then col2im onto dx
 *   bias:      db[o]   = Σ_{n,i,j} g[n, o, i, j]
 * </pre>
 * The transposes are flags to the GEMM, never copies. Only the input and the weight are saved for
 * backward; the column matrix of each image is rebuilt there (one buffer for the whole batch, reused
 * image after image), which keeps memory at one image's columns instead of the whole batch's. The
 * backward builds columns only when the weight needs a gradient, and runs col2im only when the input
 * does. A 1×1 kernel with stride 1 and no padding skips im2col altogether: its column matrix is the
 * image itself.
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
        double[] out = new double[g.batch * g.outChannels * plane];
        boolean direct = g.columnsAreInput();
        double[] cols = direct ? null : new double[g.inChannels * g.kernelH * g.kernelW * plane];
        for (int n = 0; n < g.batch; n++) {
            int xOff = n * g.inImage();
            if (!direct) {
                Im2col.im2col(g, x, xOff, cols);
            }
            double[] colData = direct ? x : cols;
            int colOff = direct ? xOff : 0;
            int outOff = n * g.outChannels * plane;
            if (b != null) {
                for (int o = 0; o < g.outChannels; o++) {
                    java.util.Arrays.fill(out, outOff + o * plane, outOff + (o + 1) * plane, b[o]);
                }
            }
            for (int grp = 0; grp < g.groups; grp++) {
                Gemm.multiply(outPerGroup, plane, k, w, grp * outPerGroup * k, false,
                        colData, colOff + grp * k * plane, false,
                        out, outOff + grp * outPerGroup * plane, b != null);
            }
        }
        return out;
    }

    /**
     * Input and weight gradients, image by image.
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
        boolean direct = g.columnsAreInput();
        int colSize = g.inChannels * g.kernelH * g.kernelW * plane;
        double[] cols = dw != null && !direct ? new double[colSize] : null;
        double[] dcols = dx != null && !direct ? new double[colSize] : null;
        for (int n = 0; n < g.batch; n++) {
            int xOff = n * g.inImage();
            int gOff = n * g.outChannels * plane;
            if (dw != null) {
                if (!direct) {
                    Im2col.im2col(g, x, xOff, cols);
                }
                double[] colData = direct ? x : cols;
                int colOff = direct ? xOff : 0;
                for (int grp = 0; grp < g.groups; grp++) {
                    Gemm.multiply(outPerGroup, k, plane, gd, gOff + grp * outPerGroup * plane, false,
                            colData, colOff + grp * k * plane, true,
                            dw, grp * outPerGroup * k, true);
                }
            }
            if (dx != null) {
                double[] target = direct ? dx : dcols;
                int targetOff = direct ? xOff : 0;
                for (int grp = 0; grp < g.groups; grp++) {
                    Gemm.multiply(k, plane, outPerGroup, w, grp * outPerGroup * k, true,
                            gd, gOff + grp * outPerGroup * plane, false,
                            target, targetOff + grp * k * plane, false);
                }
                if (!direct) {
                    Im2col.col2im(g, dcols, dx, xOff);
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
