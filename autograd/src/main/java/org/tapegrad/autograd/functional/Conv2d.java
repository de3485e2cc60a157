package org.tapegrad.autograd.functional;

import java.util.Arrays;
import java.util.function.IntFunction;
import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Gemm;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.kernel.Precision;
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
 * <h2>Design: banded im2col + matrix products</h2>
 * {@link Im2col#im2col} copies every receptive field into one column of a matrix {@code X} of
 * (C_in·kH·kW) rows, one column per output position. The weight, read row-major, already is a
 * (C_out, C_in/G·kH·kW) matrix, so each group {@code g} is one product over contiguous blocks
 * (K = C_in/G·kH·kW rows per group, T columns):
 * <pre>
 *   forward:   Y[g]   = W[g] · X[g]            (C_out/G × K)·(K × T), then + b
 *   weight:    dW[g] += G[g] · X[g]ᵀ            (C_out/G × T)·(T × K), summed over bands and images
 *   input:     dX[g]  = W[g]ᵀ · G[g]            (K × C_out/G)·(C_out/G × T), then col2im adds dX onto dx
 *   bias:      db[o]  = Σ_{n,i,j} g[n, o, i, j]    (with dW: summed band by band while the band is in cache)
 * </pre>
 * The transposes are flags to the GEMM, never copies (a float32 weight gradient builds Xᵀ itself, see
 * below). For short filters ({@link #SHORT_PATCH}) the weight gradient uses {@link ConvProducts}
 * instead, reading G in place: the GEMM's products would be narrow (n = K ≤ 32 columns, short rows for
 * the micro-kernel), with only a few multiply-adds per element of X to pay for building and packing it
 * (measured with X transposed while packing: 0.43 ns per multiply-add against 0.2 here).
 *
 * <p><b>Input gradient of a stride-1 convolution.</b> It is itself a convolution: the output gradient,
 * padded by {@code d·(k−1) − pad}, correlated with the kernel flipped in both spatial axes and with
 * input and output channels swapped ({@link #flippedKernel}). So it runs through {@link #forward},
 * band by band and in parallel, without col2im. Other strides take the col2im route above.
 *
 * <p><b>Bands.</b> The whole column matrix of one 224×224 image of 3 channels and a 3×3 kernel is
 * 27 × 50,176 values (10.8 MB); building it, then streaming it through the products three times
 * would be limited by memory bandwidth. So the matrix is built for a band of output rows at a time
 * ({@code T = rows·W_out} columns), sized to stay within {@link #BAND_BUDGET} values (512 KB), small
 * enough to stay in cache between im2col and the products that read it (each thread keeps its buffers
 * between calls, see {@link Scratch}). Small images go the other way: when one image's column matrix
 * is far below the budget, a band holds several whole images side by side (T = images·H_out·W_out),
 * so that the products have long rows (see {@link Bands}). Only the input and the weight are saved
 * for backward; the backward rebuilds the columns only when the weight needs a gradient.
 *
 * <p><b>Threads.</b> The bands of all images are independent units of work, split across
 * {@link Parallelism} when there are more than {@link #PARALLEL_MIN_WORK} multiply-adds per thread;
 * each thread has its own column buffer. Forward bands write disjoint parts of the output. The weight
 * gradient is summed per fixed group of bands (at most {@link #MAX_PARTIALS} groups, a number that
 * depends on the shapes only), then the groups in order; col2im runs whole images per thread. So the
 * results do not depend on the number of threads, bit for bit.
 *
 * <h2>Padding</h2>
 * Zeros, possibly asymmetric: PyTorch's {@code padding="same"} (stride 1 only) pads {@code d·(k−1)} in
 * total per dimension, {@code ⌊total/2⌋} before and the rest after, so an even kernel gets its extra
 * row/column at the bottom/right; {@code "valid"} means no padding.
 *
 * <p>The matrix products are formed in the tensors' precision ({@link Kernels#precision}): in float for
 * float32, as PyTorch forms them, which halves their cost; the bias is the starting value of the forward
 * product. Where such a product packs float panels, im2col writes the column matrix as floats (see
 * {@link Columns}), so that its values are converted once instead of again while packing; likewise the
 * input gradient's product writes floats, which col2im sums in float, as PyTorch sums them
 * ({@link ColumnGradient}). For strided convolutions of small images both go through the input's
 * {@link Phases}, in which the strided rows are contiguous. The weight gradient's products, where they
 * pack float panels ({@link Bands#floatColumnsForWeight}), take the column matrix transposed
 * ({@link Im2col#im2row}), one row per output position, which is how the GEMM packs op(B) = Xᵀ, so that
 * it copies rows instead of transposing. The rest (the sum of the weight gradient's
 * partial sums, and col2im's sums where the products do not pack float panels) is in double, rounded
 * once at the end, band by band while in cache.
 *
 * <p>Where the forward products pack float panels the output is written as floats
 * ({@link Tensor#wrapFloats}), and tensors held as floats (a BatchNorm's or ReLU's output, their
 * gradients) are read as floats: the input by im2col, the output gradient by the backward products
 * (by {@link ConvProducts} through a dense double copy per band). An input held as floats gets its
 * strided gradient as floats. The values are the same, bit for bit, as from doubles.
 */
final class Conv2d {
    private static final String OP = "conv2d";
    /**
     * Values in one band of the column matrix: 2^16 doubles (512 KB), about a core's L2 cache. Measured on
     * the seed's shape (1, 3, 224, 224) with a 3×3 kernel and a blocked GEMM: budgets from 2^15 to 2^21
     * (the whole image) were within about 20% of each other, 2^16 the fastest.
     */
    static final int BAND_BUDGET = 1 << 16;
    /**
     * Column values up to which whole small images share a band (see {@link Bands}): 2^17, 512 KB as the
     * floats of a float32 layer's forward and weight products, 1 MB as the doubles of its input gradient.
     * Measured on the benchmark CNN (alternating in one JVM): 4 images per band instead of 2 (the budget
     * 2^16) took the step from 17.4 to 16.9 ms on two threads, 28.3 to 27.8 ms on one; twice as much again
     * was slower (double columns, fourth round).
     */
    static final int IMAGES_BUDGET = 1 << 17;
    /**
     * Filter length (C_in/G·kH·kW) up to which the weight gradient uses {@link ConvProducts}. Measured
     * single-threaded: 0.2 ns per multiply-add instead of the GEMM's 0.43 for the seed's 3×27 weight over
     * 2,240 positions, 0.27 instead of 0.47 for 16×9 over 784; at 8×72 and beyond the GEMM is faster.
     */
    static final int SHORT_PATCH = 32;
    /** Multiply-adds a thread should get at least before bands are split across threads (~0.1 ms). */
    static final long PARALLEL_MIN_WORK = 1L << 18;
    /** The weight gradient is summed in at most this many partial sums, computed in parallel. */
    static final int MAX_PARTIALS = 8;
    /** ... and the partial sums hold at most this many values together (16 MB). */
    static final int PARTIAL_BUDGET = 1 << 21;

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

        double[] wd = Kernels.rowMajor(w);
        double[] bd = b == null ? null : Kernels.rowMajor(b);
        Tensor result;
        if (x.dtype() == DType.FLOAT32 && new Bands(g).floatColumns(Precision.SINGLE)) {
            // float panels: read the input as floats if it is held so, and write the output as floats
            float[] xf = Kernels.isWholeFloats(x) ? x.storageFloats() : null;
            float[] wf = Kernels.floatCopy(w, wd);
            result = Tensor.wrapFloats(forwardToFloats(g, xf == null ? Kernels.rowMajor(x) : null, xf,
                    wf != null ? wf : toFloats(wd), bd), g.outputShape());
        } else {
            result = Tensor.wrapExact(forward(g, Kernels.rowMajor(x), wd, bd, x.dtype()), x.dtype(), g.outputShape());
        }
        if (Autograd.needsGrad(x, w, b)) {
            // an input held as floats gets its gradient as floats where the products write float columns
            boolean inputAsFloats = Kernels.isWholeFloats(x);
            Autograd.record(result, new Node(OP, x, w, b) {
                // the input's gradient needs the weight, and the weight's gradient needs the input
                final SavedTensor savedX = needsInputGrad(1) ? save(x) : null;
                final SavedTensor savedW = needsInputGrad(0) ? save(w) : null;

                @Override
                protected Tensor[] backward(Tensor gradOut) {
                    Precision precision = Kernels.precision(x.dtype());
                    // an output gradient held as floats is read as floats where every product takes it so
                    float[] gf = readsFloatGradient(g, gradOut, precision, savedW != null, savedX != null)
                            ? gradOut.storageFloats() : null;
                    double[] gd = gf == null ? Kernels.rowMajor(gradOut) : null;
                    Tensor dx = savedW == null ? null
                            : inputGradient(g, gd, gf, Kernels.rowMajor(savedW.get()), x.dtype(), inputAsFloats,
                                    this::uninitializedGradientBuffer, this::uninitializedFloatGradientBuffer);
                    boolean biasGrad = needsInputGrad(2);
                    // the bias gradient is summed along with the weight's, band by band while in cache
                    double[][] dwdb = null;
                    if (savedX != null) {
                        Tensor xs = savedX.get();
                        // float columns are built from an input held as floats without converting it
                        float[] xsf = new Bands(g).floatColumnsForWeight(precision) && Kernels.isWholeFloats(xs)
                                ? xs.storageFloats() : null;
                        dwdb = weightGradient(g, gd, gf, xsf == null ? Kernels.rowMajor(xs) : null, xsf, precision,
                                biasGrad);
                    }
                    double[] db = dwdb != null ? dwdb[1]
                            : biasGrad ? biasGradient(g, gd != null ? gd : gradOut.storageArray()) : null;
                    Tensor[] grads = {
                        dx,
                        dwdb == null ? null : Tensor.wrap(dwdb[0], w.dtype(), w.shape()),
                        db == null ? null : Tensor.wrap(db, b.dtype(), b.shape())};
                    recycle(gradOut); // read in full: a later input gradient may take its array
                    return grads;
                }
            });
        }
        return result;
    }

    /**
     * Whether backward reads the output gradient as floats: it is held so ({@link Kernels#isWholeFloats}),
     * and every product that reads it packs float panels: the input gradient's {@code Wᵀ·G} (not the
     * stride-1 convolution of the gradient, which runs in doubles) and the weight gradient's GEMMs; short
     * filters' {@link ConvProducts} take it band by band, converted into a dense copy.
     */
    private static boolean readsFloatGradient(ConvGeometry g, Tensor gradOut, Precision precision, boolean inputGrad,
            boolean weightGrad) {
        if (!Kernels.isWholeFloats(gradOut) || !(inputGrad || weightGrad)) {
            return false;
        }
        Bands bands = new Bands(g);
        boolean input = !inputGrad || (transposedGeometry(g) == null && bands.floatColumnsForInput(precision));
        return input && (!weightGrad || bands.floatColumnsForWeight(precision) || g.patchSize() <= SHORT_PATCH);
    }

    /** The output, row-major (N, C_out, H_out, W_out), rounded to {@code type}. */
    static double[] forward(ConvGeometry g, double[] x, double[] w, double[] b, DType type) {
        Bands bands = new Bands(g);
        Precision precision = Kernels.precision(type);
        boolean floats = bands.floatColumns(precision);
        double[] out = new double[g.batch * g.outChannels * g.outPlane()];
        Parallelism.parallelFor(0, bands.count, bands.minChunk(), (from, to) -> {
            Columns cols = Columns.of(bands, floats);
            double[] staging = bands.needsStaging() ? Scratch.staging(bands.outputValues()) : null;
            for (int unit = from; unit < to; unit++) {
                forwardBand(g, bands, unit, x, w, b, cols, staging, out, precision);
            }
        });
        return out;
    }

    /**
     * {@link #forward} of a float32 layer whose products pack float panels, into floats: the same values,
     * with nothing converted or rounded afterwards.
     *
     * @param x        the input as doubles, or null when given as {@code xFloats}
     * @param xFloats  the input as floats, or null
     * @param w        the weight as floats
     */
    static float[] forwardToFloats(ConvGeometry g, double[] x, float[] xFloats, float[] w, double[] b) {
        Bands bands = new Bands(g);
        float[] out = new float[g.batch * g.outChannels * g.outPlane()];
        Parallelism.parallelFor(0, bands.count, bands.minChunk(), (from, to) -> {
            Columns cols = Columns.of(bands, true);
            float[] staging = bands.needsStaging() ? Scratch.floatStaging(bands.outputValues()) : null;
            for (int unit = from; unit < to; unit++) {
                forwardBandToFloats(g, bands, unit, x, xFloats, w, b, cols, staging, out);
            }
        });
        return out;
    }

    /** {@link #forwardBand} in floats. */
    private static void forwardBandToFloats(ConvGeometry g, Bands bands, int unit, double[] x, float[] xFloats,
            float[] w, double[] b, Columns cols, float[] staging, float[] out) {
        Band unitBand = bands.band(unit);
        int band = unitBand.columns();
        int plane = g.outPlane();
        int k = g.patchSize();
        int outPerGroup = g.outPerGroup();
        cols.fill(unitBand, x, xFloats);
        for (int grp = 0; grp < g.groups; grp++) {
            int outOff = unitBand.outputOffset() + grp * outPerGroup * plane;
            boolean inPlace = !bands.needsStaging();
            float[] target = inPlace ? out : staging;
            int targetOff = inPlace ? outOff : 0;
            int rowStride = inPlace ? plane : band;
            if (b != null) {
                for (int o = 0; o < outPerGroup; o++) {
                    int row = targetOff + o * rowStride;
                    Arrays.fill(target, row, row + band, (float) b[grp * outPerGroup + o]); // exact: float32 values
                }
            }
            cols.multiply(outPerGroup, band, k, w, grp * outPerGroup * k, grp * k * band, target, targetOff, b != null);
            if (!inPlace) {
                bands.scatter(staging, outPerGroup, unitBand, out, outOff);
            }
        }
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    private static void forwardBand(ConvGeometry g, Bands bands, int unit, double[] x, double[] w, double[] b,
            Columns cols, double[] staging, double[] out, Precision precision) {
        Band unitBand = bands.band(unit);
        int band = unitBand.columns();
        int bandStart = unitBand.outputOffset();
        int plane = g.outPlane();
        int k = g.patchSize();
        int outPerGroup = g.outPerGroup();
        cols.fill(unitBand, x);
        for (int grp = 0; grp < g.groups; grp++) {
            int wOff = grp * outPerGroup * k;
            int colsOff = grp * k * band;
            int outOff = bandStart + grp * outPerGroup * plane;
            // the band is one whole image: its output channels are contiguous rows of the output
            boolean inPlace = !bands.needsStaging();
            double[] target = inPlace ? out : staging;
            int targetOff = inPlace ? outOff : 0;
            int rowStride = inPlace ? plane : band;
            if (b != null) {
                // start from the bias and accumulate the product onto it: one rounding, in the product
                for (int o = 0; o < outPerGroup; o++) {
                    int row = targetOff + o * rowStride;
                    Arrays.fill(target, row, row + band, b[grp * outPerGroup + o]);
                }
            }
            cols.multiply(precision, outPerGroup, band, k, w, wOff, false, colsOff, false, target, targetOff, b != null);
            if (!inPlace) {
                bands.scatter(staging, outPerGroup, unitBand, out, outOff);
            }
        }
    }

    /**
     * dW and, if {@code withBias}, db, summed band by band: each of a fixed number of partial sums covers a
     * contiguous run of bands, then the partial sums are added in order. The bias sums read each band of the
     * output gradient right after its product has (in cache), instead of in a pass of their own.
     *
     * @param gd the output gradient, row-major, or null when given as {@code gFloats}; not modified
     * @param gFloats the output gradient as floats, or null; only for float columns
     * @param x  the input, row-major, or null when given as {@code xFloats}; not modified
     * @param xFloats the input as floats, or null; only for float columns
     * @param precision the arithmetic of the band products (the partial sums are added in double)
     * @return {dW, db}, db null unless {@code withBias}
     */
    private static double[][] weightGradient(ConvGeometry g, double[] gd, float[] gFloats, double[] x,
            float[] xFloats, Precision precision, boolean withBias) {
        Bands bands = new Bands(g);
        boolean floats = bands.floatColumnsForWeight(precision);
        int size = g.outChannels * g.patchSize();
        int partials = Math.max(1, Math.min(Math.min(bands.count, MAX_PARTIALS), PARTIAL_BUDGET / Math.max(size, 1)));
        double[][] sums = new double[partials][];
        double[][] biasSums = new double[partials][];
        boolean parallel = bands.count * bands.workPerBand() >= 2 * PARALLEL_MIN_WORK;
        Parallelism.parallelFor(0, partials, parallel ? 1 : partials, (from, to) -> {
            // float columns are built transposed, as the products dW += G·Xᵀ take them
            Columns cols = floats ? Columns.transposed(bands) : Columns.of(bands, false);
            Staging staging = Staging.of(bands, gFloats != null);
            for (int p = from; p < to; p++) {
                sums[p] = new double[size];
                biasSums[p] = withBias ? new double[g.outChannels] : null;
                int first = (int) ((long) bands.count * p / partials);
                int end = (int) ((long) bands.count * (p + 1) / partials);
                for (int unit = first; unit < end; unit++) {
                    weightGradientBand(g, bands, unit, gd, gFloats, x, xFloats, cols, staging, sums[p],
                            biasSums[p], precision);
                }
            }
        });
        return new double[][] {sumInOrder(sums), withBias ? sumInOrder(biasSums) : null};
    }

    /** {@code parts[0] + parts[1] + …}, element by element, into {@code parts[0]}. */
    private static double[] sumInOrder(double[][] parts) {
        double[] total = parts[0];
        for (int p = 1; p < parts.length; p++) {
            double[] s = parts[p];
            for (int i = 0; i < total.length; i++) {
                total[i] += s[i];
            }
        }
        return total;
    }

    /** {@code db[at + o] += Σ_t src[off + o·ld + t]} for o &lt; rows, t &lt; length. */
    private static void addRowSums(double[] src, int off, int ld, int rows, int length, double[] db, int at) {
        for (int o = 0; o < rows; o++) {
            db[at + o] += Kernels.sum(src, off + o * ld, off + o * ld + length);
        }
    }

    /** {@code dst[o·length + t] = src[off + o·ld + t]} for o &lt; rows, t &lt; length: dense rows, as doubles. */
    private static void toDoubles(float[] src, int off, int ld, int rows, int length, double[] dst) {
        for (int o = 0; o < rows; o++) {
            int from = off + o * ld;
            int to = o * length;
            for (int t = 0; t < length; t++) {
                dst[to + t] = src[from + t];
            }
        }
    }

    /** {@link #addRowSums(double[], int, int, int, int, double[], int)} of floats (summed in double). */
    private static void addRowSums(float[] src, int off, int ld, int rows, int length, double[] db, int at) {
        for (int o = 0; o < rows; o++) {
            db[at + o] += Kernels.sum(src, off + o * ld, off + o * ld + length);
        }
    }

    private static void weightGradientBand(ConvGeometry g, Bands bands, int unit, double[] gd, float[] gFloats,
            double[] x, float[] xFloats, Columns cols, Staging staging, double[] dw, double[] db,
            Precision precision) {
        Band unitBand = bands.band(unit);
        int band = unitBand.columns();
        int bandStart = unitBand.outputOffset();
        int plane = g.outPlane();
        int k = g.patchSize();
        int outPerGroup = g.outPerGroup();
        cols.fill(unitBand, x, xFloats);
        for (int grp = 0; grp < g.groups; grp++) {
            int gOff = bandStart + grp * outPerGroup * plane;
            int colsOff = grp * k * band;
            int dwOff = grp * outPerGroup * k;
            int dbOff = grp * outPerGroup;
            if (k <= SHORT_PATCH) {
                // one image per band (see Bands): its rows are `plane` apart in gd
                double[] rows = gd;
                int ld = plane;
                if (gFloats != null) {
                    // ConvProducts reads doubles: the band's rows of G are converted into a dense copy
                    rows = staging.converted;
                    ld = band;
                    toDoubles(gFloats, gOff, plane, outPerGroup, band, rows);
                    gOff = 0;
                }
                ConvProducts.accumulateTransposed(outPerGroup, k, band, rows, gOff, ld, cols.doubles(), colsOff, band,
                        dw, dwOff);
                if (db != null) {
                    addRowSums(rows, gOff, ld, outPerGroup, band, db, dbOff);
                }
            } else if (gFloats != null) {
                float[] rows = gFloats;
                int ld = plane;
                if (bands.needsStaging()) {
                    bands.gather(gFloats, gOff, outPerGroup, unitBand, staging.floats);
                    rows = staging.floats;
                    gOff = 0;
                    ld = band;
                }
                cols.multiply(outPerGroup, k, band, rows, gOff, colsOff, dw, dwOff);
                if (db != null) {
                    addRowSums(rows, gOff, ld, outPerGroup, band, db, dbOff);
                }
            } else if (!bands.needsStaging()) {
                cols.multiply(precision, outPerGroup, k, band, gd, gOff, false, colsOff, true, dw, dwOff, true);
                if (db != null) {
                    addRowSums(gd, gOff, plane, outPerGroup, band, db, dbOff);
                }
            } else {
                bands.gather(gd, gOff, outPerGroup, unitBand, staging.doubles);
                cols.multiply(precision, outPerGroup, k, band, staging.doubles, 0, false, colsOff, true, dw, dwOff,
                        true);
                if (db != null) {
                    addRowSums(staging.doubles, 0, band, outPerGroup, band, db, dbOff);
                }
            }
        }
    }

    /**
     * dx, rounded to {@code type}: for stride 1 (and padding at most {@code d·(k−1)}) the convolution of
     * the output gradient with the flipped kernel; otherwise {@code Wᵀ·G} per band and col2im, whole
     * images per thread (the bands of one image add onto the same rows of dx). A float32 gradient whose
     * products pack float panels is summed in float ({@link ColumnGradient}), and then every value of dx is
     * written rather than added to, so dx may come from {@code uninitialized} or, as floats, from
     * {@code uninitializedFloats}, which give an array of the given size with arbitrary values.
     */
    private static Tensor inputGradient(ConvGeometry g, double[] gd, float[] gFloats, double[] w, DType type,
            boolean asFloats, IntFunction<double[]> uninitialized, IntFunction<float[]> uninitializedFloats) {
        int[] shape = {g.batch, g.inChannels, g.height, g.width};
        ConvGeometry transposed = transposedGeometry(g);
        if (transposed != null) {
            return Tensor.wrapExact(forward(transposed, gd, flippedKernel(g, w), null, type), type, shape);
        }
        Bands bands = new Bands(g);
        // runs of bands that cover whole images: an image's bands, or one band of whole images
        int bandsPerRun = bands.perImage;
        int runs = bands.count / bandsPerRun;
        int minRuns = (int) Math.max(1, PARALLEL_MIN_WORK / Math.max(1, bandsPerRun * bands.workPerBand()));
        Precision precision = Kernels.precision(type);
        boolean floats = bands.floatColumnsForInput(precision);
        int size = g.batch * g.inImage();
        float[] dxFloats = floats && asFloats ? uninitializedFloats.apply(size) : null;
        double[] dx = dxFloats != null ? null : floats ? uninitialized.apply(size) : new double[size];
        Parallelism.parallelFor(0, runs, minRuns, (from, to) -> {
            ColumnGradient dcols = ColumnGradient.of(bands, floats, dx, dxFloats);
            Staging staging = Staging.of(bands, gFloats != null);
            for (int run = from; run < to; run++) {
                Band first = bands.band(run * bandsPerRun);
                dcols.startRun(first);
                for (int unit = run * bandsPerRun; unit < (run + 1) * bandsPerRun; unit++) {
                    inputGradientBand(g, bands, unit, gd, gFloats, w, dcols, staging, precision);
                }
                dcols.endRun(first);
            }
            if (!floats) {
                int firstImage = bands.band(from * bandsPerRun).image();
                Band last = bands.band(to * bandsPerRun - 1);
                Kernels.round(type, dx, firstImage * g.inImage(), (last.image() + last.images()) * g.inImage());
            }
        });
        return dxFloats != null ? Tensor.wrapFloats(dxFloats, shape) : Tensor.wrapExact(dx, type, shape);
    }

    private static void inputGradientBand(ConvGeometry g, Bands bands, int unit, double[] gd, float[] gFloats,
            double[] w, ColumnGradient dcols, Staging staging, Precision precision) {
        Band unitBand = bands.band(unit);
        int band = unitBand.columns();
        int bandStart = unitBand.outputOffset();
        int plane = g.outPlane();
        int k = g.patchSize();
        int outPerGroup = g.outPerGroup();
        for (int grp = 0; grp < g.groups; grp++) {
            int gOff = bandStart + grp * outPerGroup * plane;
            int wOff = grp * outPerGroup * k;
            if (gFloats != null) {
                float[] gBand = gFloats;
                if (bands.needsStaging()) {
                    bands.gather(gFloats, gOff, outPerGroup, unitBand, staging.floats);
                    gBand = staging.floats;
                    gOff = 0;
                }
                dcols.multiply(k, band, outPerGroup, w, wOff, gBand, gOff, grp * k * band);
            } else {
                double[] gBand = gd;
                if (bands.needsStaging()) {
                    bands.gather(gd, gOff, outPerGroup, unitBand, staging.doubles);
                    gBand = staging.doubles;
                    gOff = 0;
                }
                dcols.multiply(precision, k, band, outPerGroup, w, wOff, gBand, gOff, grp * k * band);
            }
        }
        dcols.col2im(unitBand);
    }

    /**
     * The geometry of dx as a convolution of the output gradient (stride 1): input (N, C_out, H_out, W_out),
     * weight (C_in, C_out/G, kH, kW), padding {@code d·(k−1) − pad} on each side, so that the output is
     * (N, C_in, H, W); null for other strides, or when some side was padded by more than {@code d·(k−1)}
     * (dx then takes the col2im route).
     */
    private static ConvGeometry transposedGeometry(ConvGeometry g) {
        if (g.strideH != 1 || g.strideW != 1) {
            return null;
        }
        int spanH = g.dilationH * (g.kernelH - 1);
        int spanW = g.dilationW * (g.kernelW - 1);
        // with stride 1, H_out = H + top + bottom − spanH, so spanH − bottom = H + top − H_out
        int[] pad = {spanH - g.padTop, g.height + g.padTop - g.outH, spanW - g.padLeft, g.width + g.padLeft - g.outW};
        for (int p : pad) {
            if (p < 0) {
                return null;
            }
        }
        return ConvGeometry.of(OP, new int[] {g.batch, g.outChannels, g.outH, g.outW},
                new int[] {g.inChannels, g.outPerGroup(), g.kernelH, g.kernelW}, new int[] {1, 1}, pad,
                new int[] {g.dilationH, g.dilationW}, g.groups);
    }

    /**
     * The kernel of {@link #transposedGeometry}: {@code w'[grp·C_in/G + c, o, u, v] = w[grp·C_out/G + o, c,
     * kH−1−u, kW−1−v]}, row-major (C_in, C_out/G, kH, kW).
     */
    private static double[] flippedKernel(ConvGeometry g, double[] w) {
        int inPerGroup = g.inPerGroup();
        int outPerGroup = g.outPerGroup();
        int taps = g.kernelH * g.kernelW;
        double[] flipped = new double[w.length];
        for (int grp = 0; grp < g.groups; grp++) {
            for (int o = 0; o < outPerGroup; o++) {
                for (int c = 0; c < inPerGroup; c++) {
                    int src = ((grp * outPerGroup + o) * inPerGroup + c) * taps;
                    int dst = ((grp * inPerGroup + c) * outPerGroup + o) * taps;
                    for (int t = 0; t < taps; t++) {
                        flipped[dst + taps - 1 - t] = w[src + t];
                    }
                }
            }
        }
        return flipped;
    }

    /** Whole images per unit of work for this geometry (1 when an image takes one band or more); for tests. */
    static int imagesPerBand(ConvGeometry g) {
        return new Bands(g).images;
    }

    /** db[o] = Σ over images and output positions of the output gradient; channels split across threads. */
    private static double[] biasGradient(ConvGeometry g, double[] gd) {
        int plane = g.outPlane();
        double[] db = new double[g.outChannels];
        int minChannels = (int) Math.max(1, PARALLEL_MIN_WORK / Math.max(1L, (long) g.batch * plane));
        Parallelism.parallelFor(0, g.outChannels, minChannels, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                for (int n = 0; n < g.batch; n++) {
                    int off = (n * g.outChannels + o) * plane;
                    db[o] += Kernels.sum(gd, off, off + plane);
                }
            }
        });
        return db;
    }

    /**
     * The units of work of a convolution, numbered in the order of the output: every image cut into
     * bands of {@link ConvGeometry#bandRows} output rows, or, when a whole image's column matrix is
     * small, bands of several whole images side by side (column block m of a band is its image m).
     * This class is immutable.
     *
     * <p>Why several images: the GEMM's inner loop runs along a row of the product, so its rows should
     * be long. The benchmark CNN's stride-2 layer has 14×14 outputs per image: one image gives products
     * with rows of 196 values (32×196×144: 31 GFLOPS on one Zen 4 core), two images rows of 392
     * (46 GFLOPS), and its input-gradient product Wᵀ·G went from 28 to 39 GFLOPS; it now takes four
     * ({@link #IMAGES_BUDGET}), rows of 784 values. Short filters'
     * weight gradients ({@link ConvProducts}) read the output gradient in place, one image at a time,
     * so their convolutions keep one image per band.
     */
    private static final class Bands {
        final ConvGeometry g;
        /** Output rows of a band of one image. */
        final int rows;
        /** Bands per image (1 when a band holds whole images). */
        final int perImage;
        /** Whole images per band (1 when an image takes several bands). */
        final int images;
        final int count;

        Bands(ConvGeometry g) {
            this.g = g;
            this.rows = g.bandRows(BAND_BUDGET);
            this.perImage = Args.ceilDiv(g.outH, rows);
            long imageValues = (long) g.columnRows() * g.outPlane();
            this.images = perImage == 1 && g.patchSize() > SHORT_PATCH
                    ? (int) Math.max(1, Math.min(g.batch, IMAGES_BUDGET / Math.max(imageValues, 1))) : 1;
            this.count = perImage == 1 ? Args.ceilDiv(g.batch, images) : g.batch * perImage;
        }

        /** Unit {@code unit}: output rows [firstRow, endRow) of images [image, image + images). */
        Band band(int unit) {
            if (perImage == 1) {
                int first = unit * images;
                int imageCount = Math.min(images, g.batch - first);
                return new Band(first, imageCount, 0, g.outH, imageCount * g.outPlane(),
                        first * g.outChannels * g.outPlane());
            }
            int image = unit / perImage;
            int firstRow = unit % perImage * rows;
            int endRow = Math.min(g.outH, firstRow + rows);
            return new Band(image, 1, firstRow, endRow, (endRow - firstRow) * g.outW,
                    image * g.outChannels * g.outPlane() + firstRow * g.outW);
        }

        /** Values of the largest band's column matrix. */
        int columnValues() {
            return g.columnRows() * rows * g.outW * images;
        }

        /** Values of one group's products over the largest band (the staging buffer). */
        int outputValues() {
            return Math.max(g.outPerGroup(), 1) * rows * g.outW * images;
        }

        /**
         * Whether the products need dense copies of a band's output rows: when a band is not exactly
         * one image, whose output channels are contiguous rows of the output.
         */
        boolean needsStaging() {
            return perImage > 1 || images > 1;
        }

        /** Writes the band's column matrix (all groups), image by image, into {@code cols}. */
        void im2col(Band band, double[] x, double[] cols) {
            int segment = band.columnsPerImage();
            for (int m = 0; m < band.images(); m++) {
                Im2col.im2col(g, x, (band.image() + m) * g.inImage(), band.firstRow(), band.endRow(), cols,
                        m * segment, band.columns());
            }
        }

        /**
         * {@link #im2col(Band, double[], double[])} into floats, through the images' phases if {@link #phased},
         * from the input as doubles or, when {@code xFloats} is not null, as floats.
         */
        void im2col(Band band, double[] x, float[] xFloats, float[] cols) {
            int segment = band.columnsPerImage();
            float[] phases = phased() ? Scratch.phases(Phases.values(g)) : null;
            for (int m = 0; m < band.images(); m++) {
                int xOff = (band.image() + m) * g.inImage();
                if (phases != null) {
                    Phases.split(g, x, xFloats, xOff, phases, 0);
                    Phases.im2col(g, phases, 0, cols, m * segment, band.columns());
                } else {
                    Im2col.im2col(g, x, xFloats, xOff, band.firstRow(), band.endRow(), cols, m * segment,
                            band.columns());
                }
            }
        }

        /**
         * {@link #im2col(Band, double[], float[], float[])} transposed ({@link Im2col#im2row}): each group's
         * block holds the band's positions, image by image, as rows of C_in/G·kH·kW values.
         */
        void im2row(Band band, double[] x, float[] xFloats, float[] rows) {
            int segment = band.columnsPerImage();
            int k = g.patchSize();
            for (int m = 0; m < band.images(); m++) {
                Im2col.im2row(g, x, xFloats, (band.image() + m) * g.inImage(), band.firstRow(), band.endRow(), rows,
                        m * segment * k, band.columns() * k);
            }
        }

        /**
         * Whether the forward pass's float column matrices are built, and the input gradient's summed,
         * through the input's {@link Phases}: strided convolutions whose bands hold whole images (small
         * images, whose short strided rows cost the most per value). Measured on the benchmark CNN's
         * stride-2 layer, per image: im2col 17 instead of 24 µs (the split 10, the copies 7).
         */
        boolean phased() {
            return perImage == 1 && (g.strideH > 1 || g.strideW > 1);
        }

        /**
         * Whether the forward products take float columns: single precision, in products that pack float panels
         * (see {@link Gemm#multiplySingle}), so that no column value is converted twice.
         */
        boolean floatColumns(Precision precision) {
            return precision == Precision.SINGLE && count > 0
                    && Gemm.packsSinglePanels(g.outPerGroup(), band(0).columns(), g.patchSize());
        }

        /** Whether the weight gradient's products (GEMMs, not {@link ConvProducts}) take float columns. */
        boolean floatColumnsForWeight(Precision precision) {
            return precision == Precision.SINGLE && count > 0 && g.patchSize() > SHORT_PATCH
                    && Gemm.packsSinglePanels(g.outPerGroup(), g.patchSize(), band(0).columns());
        }

        /**
         * Whether the input gradient's products {@code Wᵀ·G} write float columns, which col2im sums in float
         * ({@link ColumnGradient}).
         */
        boolean floatColumnsForInput(Precision precision) {
            return precision == Precision.SINGLE && count > 0
                    && Gemm.packsSinglePanels(g.patchSize(), band(0).columns(), g.outPerGroup());
        }

        /** Adds the band's column-matrix gradient {@code dcols} (all groups) onto {@code dx}, image by image. */
        void col2im(Band band, double[] dcols, double[] dx) {
            int segment = band.columnsPerImage();
            for (int m = 0; m < band.images(); m++) {
                Im2col.col2im(g, dcols, m * segment, band.columns(), band.firstRow(), band.endRow(), dx,
                        (band.image() + m) * g.inImage());
            }
        }

        /**
         * {@link #col2im(Band, double[], double[])} in floats, into {@code sums}, which holds the images from
         * {@code firstImage} on: their {@link Phases} if {@link #phased}, else their pixels.
         */
        void col2im(Band band, float[] dcols, float[] sums, int firstImage) {
            int segment = band.columnsPerImage();
            for (int m = 0; m < band.images(); m++) {
                int image = band.image() + m - firstImage;
                if (phased()) {
                    Phases.col2im(g, dcols, m * segment, band.columns(), sums, image * Phases.values(g));
                } else {
                    Im2col.col2im(g, dcols, m * segment, band.columns(), band.firstRow(), band.endRow(), sums,
                            image * g.inImage());
                }
            }
        }

        /** Values of one image's float sums in {@link #col2im(Band, float[], float[], int)}. */
        int sumsPerImage() {
            return phased() ? Phases.values(g) : g.inImage();
        }

        /**
         * Copies {@code channels} output channels of the band into {@code dst} as dense rows of
         * {@code band.columns()} values, laid out as the column matrix's columns.
         *
         * @param src the output (or its gradient), row-major (N, C_out, H_out, W_out); not modified
         * @param off offset in {@code src} of the first channel's band in the band's first image
         */
        void gather(double[] src, int off, int channels, Band band, double[] dst) {
            copyRows(src, channels, band, off, true, dst);
        }

        /** {@link #gather(double[], int, int, Band, double[])} of floats. */
        void gather(float[] src, int off, int channels, Band band, float[] dst) {
            copyRows(src, channels, band, off, true, dst);
        }

        /** The inverse of {@link #gather}: copies dense rows back into the output. */
        void scatter(double[] src, int channels, Band band, double[] dst, int off) {
            copyRows(src, channels, band, off, false, dst);
        }

        /** {@link #scatter(double[], int, Band, double[], int)} of floats. */
        void scatter(float[] src, int channels, Band band, float[] dst, int off) {
            copyRows(src, channels, band, off, false, dst);
        }

        /**
         * The copies of {@link #gather} ({@code gathering}) and {@link #scatter}, for arrays of either
         * primitive type ({@link System#arraycopy} takes both; src and dst are of the same one).
         */
        private void copyRows(Object src, int channels, Band band, int off, boolean gathering, Object dst) {
            int segment = band.columnsPerImage();
            int image = g.outChannels * g.outPlane();
            for (int m = 0; m < band.images(); m++) {
                for (int o = 0; o < channels; o++) {
                    int dense = o * band.columns() + m * segment;
                    int output = off + m * image + o * g.outPlane();
                    if (gathering) {
                        System.arraycopy(src, output, dst, dense, segment);
                    } else {
                        System.arraycopy(src, dense, dst, output, segment);
                    }
                }
            }
        }

        /** Multiply-adds of one full band's forward product. */
        long workPerBand() {
            return (long) g.outChannels * g.patchSize() * rows * g.outW * images;
        }

        /** Bands per thread so that each gets at least {@link #PARALLEL_MIN_WORK} multiply-adds. */
        int minChunk() {
            return (int) Math.max(1, Math.min(count, PARALLEL_MIN_WORK / Math.max(1, workPerBand())));
        }
    }

    /**
     * One unit of work: output rows [firstRow, endRow) of images [image, image + images).
     *
     * @param columns      columns of its column matrix: output positions over all its images
     * @param outputOffset offset of the band's first output value (first image, channel 0) in the output
     */
    private record Band(int image, int images, int firstRow, int endRow, int columns, int outputOffset) {
        /** Columns of one image's block: the band's output positions in that image. */
        int columnsPerImage() {
            return columns / images;
        }
    }

    /**
     * A thread's column matrix: its scratch buffer of doubles, or of floats for single-precision products
     * that pack float panels ({@link Gemm#multiplySingle}), so that each value is converted once, by im2col,
     * instead of again while packing. (Measured on the benchmark CNN: 1–2% of a step, from its stride-2
     * layer's forward and weight-gradient products.)
     */
    private static final class Columns {
        private final double[] doubles;
        private final float[] floats;
        private final Bands bands;
        /** Whether the buffer holds the matrix transposed, one row per output position ({@link Im2col#im2row}). */
        private final boolean transposed;

        private Columns(Bands bands, double[] doubles, float[] floats, boolean transposed) {
            this.bands = bands;
            this.doubles = doubles;
            this.floats = floats;
            this.transposed = transposed;
        }

        /** This thread's buffer, in floats or in doubles, for the largest band of {@code bands}. */
        static Columns of(Bands bands, boolean floats) {
            return floats ? new Columns(bands, null, Scratch.floatColumns(bands.columnValues()), false)
                    : new Columns(bands, Scratch.columns(bands.columnValues()), null, false);
        }

        /**
         * This thread's buffer of floats holding the matrix transposed, for the weight gradient's products
         * {@code dW += G·Xᵀ}: their B is then the buffer as stored, which the GEMM packs by copying rows
         * instead of transposing X. Measured on the benchmark CNN's stride-2 layer (32×144×784 products, one
         * thread, per band of four images): im2row 60 µs and the product 192, against 58 µs for im2col
         * through the phases and 235 for the product with its transposed packing.
         */
        static Columns transposed(Bands bands) {
            return new Columns(bands, null, Scratch.floatColumns(bands.columnValues()), true);
        }

        /** Builds {@code band}'s column matrix from the input {@code x}. */
        void fill(Band band, double[] x) {
            fill(band, x, null);
        }

        /**
         * Builds {@code band}'s column matrix from the input as doubles or, when {@code xFloats} is not null,
         * as floats (a matrix of doubles needs {@code x}).
         */
        void fill(Band band, double[] x, float[] xFloats) {
            if (transposed) {
                bands.im2row(band, x, xFloats, floats);
            } else if (floats != null) {
                bands.im2col(band, x, xFloats, floats);
            } else {
                bands.im2col(band, x, doubles);
            }
        }

        /** The matrix as doubles, for {@link ConvProducts}; only for a buffer of doubles. */
        double[] doubles() {
            if (doubles == null) {
                throw new IllegalStateException(OP + ": the column matrix is in floats");
            }
            return doubles;
        }

        /**
         * {@code C (+)= op(A)·X} ({@code transX} false) or {@code op(A)·Xᵀ} over the block of the column
         * matrix X that starts at {@code colsOff}, in {@code precision}; see {@link Gemm#multiply}.
         */
        void multiply(Precision precision, int m, int n, int k, double[] a, int aOff, boolean transA, int colsOff,
                boolean transX, double[] c, int cOff, boolean acc) {
            if (floats != null) {
                // a transposed buffer holds Xᵀ as stored: op(X) is then its transpose when X is wanted
                Gemm.multiplySingle(m, n, k, a, null, aOff, transA, floats, colsOff, transX != transposed, c, cOff,
                        acc);
            } else {
                Gemm.multiply(precision, m, n, k, a, aOff, transA, doubles, colsOff, transX, c, cOff, acc);
            }
        }

        /** {@code C += A·Xᵀ} in single precision with A as floats (a weight gradient's G); only for floats. */
        void multiply(int m, int n, int k, float[] a, int aOff, int colsOff, double[] c, int cOff) {
            Gemm.multiplySingle(m, n, k, null, a, aOff, false, null, floats, colsOff, !transposed, c, null, cOff,
                    true);
        }

        /** {@code C (+)= A·X} in single precision with A and C as floats; only for a buffer of floats. */
        void multiply(int m, int n, int k, float[] a, int aOff, int colsOff, float[] c, int cOff, boolean acc) {
            Gemm.multiplySingle(m, n, k, null, a, aOff, false, null, floats, colsOff, transposed, null, c, cOff, acc);
        }
    }

    /**
     * A thread's column-matrix gradient {@code Wᵀ·G} and where col2im adds it, run by run (a run is whole
     * images: an image's bands, or one band of several images). In doubles it is added straight onto dx,
     * which is rounded afterwards. A float32 layer whose products pack float panels writes it in floats
     * ({@link Gemm#multiplySingleToFloats}) and sums it in float, as PyTorch does, into a float copy of the
     * run's images (in cache), which is then copied into dx: the product's values are not converted to
     * double, and dx needs no rounding pass. (Measured on the benchmark CNN's stride-2 layer, one thread,
     * per image: the product 36 instead of 43 µs, no rounding pass.) Small strided images are summed into
     * their {@link Phases} and merged into dx: col2im and the copy took 22 instead of 31 µs per image.
     */
    private static final class ColumnGradient {
        private final Bands bands;
        private final double[] doubles;
        private final float[] floats;
        /** The run's images, summed in float; null for doubles. */
        private final float[] runSums;
        /**
         * The input gradient, row-major (N, C_in, H, W): in doubles zero at first and added onto; in floats
         * of arbitrary values at first (a recycled buffer), each run's images overwritten by {@link #endRun}.
         */
        private final double[] dx;
        /** The input gradient as floats instead of {@link #dx} (float columns only), or null. */
        private final float[] dxFloats;
        /** The current run's first image. */
        private int firstImage;

        private ColumnGradient(Bands bands, double[] doubles, float[] floats, float[] runSums, double[] dx,
                float[] dxFloats) {
            this.bands = bands;
            this.doubles = doubles;
            this.floats = floats;
            this.runSums = runSums;
            this.dx = dx;
            this.dxFloats = dxFloats;
        }

        /**
         * This thread's buffers for {@code bands}, in floats or in doubles, for computing {@code dx}, or
         * {@code dxFloats} (float columns only) when that is not null.
         */
        static ColumnGradient of(Bands bands, boolean floats, double[] dx, float[] dxFloats) {
            if (!floats) {
                return new ColumnGradient(bands, Scratch.columns(bands.columnValues()), null, null, dx, null);
            }
            int runImages = bands.perImage == 1 ? bands.images : 1;
            return new ColumnGradient(bands, null, Scratch.floatColumns(bands.columnValues()),
                    Scratch.floatImages(runImages * bands.sumsPerImage()), dx, dxFloats);
        }

        /** Starts the run whose first band is {@code first}. */
        void startRun(Band first) {
            firstImage = first.image();
            if (runSums != null) {
                Arrays.fill(runSums, 0, first.images() * bands.sumsPerImage(), 0f);
            }
        }

        /** {@code dcols[at..] = W[g]ᵀ·G[g]} for one group: k × band, from the weight at {@code wOff}. */
        void multiply(Precision precision, int k, int band, int outPerGroup, double[] w, int wOff, double[] gBand,
                int gOff, int at) {
            if (floats != null) {
                Gemm.multiplySingleToFloats(k, band, outPerGroup, w, null, wOff, true, gBand, gOff, false, floats, at,
                        false);
            } else {
                Gemm.multiply(precision, k, band, outPerGroup, w, wOff, true, gBand, gOff, false, doubles, at, false);
            }
        }

        /** {@link #multiply} with G as floats; only for float columns. */
        void multiply(int k, int band, int outPerGroup, double[] w, int wOff, float[] gBand, int gOff, int at) {
            Gemm.multiplySingle(k, band, outPerGroup, w, null, wOff, true, null, gBand, gOff, false, null, floats, at,
                    false);
        }

        /** Adds the band's column-matrix gradient (all groups) onto its images. */
        void col2im(Band band) {
            if (floats != null) {
                bands.col2im(band, floats, runSums, firstImage);
            } else {
                bands.col2im(band, doubles, dx);
            }
        }

        /**
         * Ends the run that {@link #startRun} started: copies its float sums into dx (exactly: they are floats),
         * merging the images' phases if {@link Bands#phased}.
         */
        void endRun(Band first) {
            if (runSums == null) {
                return;
            }
            ConvGeometry g = bands.g;
            if (bands.phased()) {
                for (int m = 0; m < first.images(); m++) {
                    Phases.merge(g, runSums, m * bands.sumsPerImage(), dx, dxFloats, (firstImage + m) * g.inImage());
                }
            } else if (dxFloats != null) {
                System.arraycopy(runSums, 0, dxFloats, firstImage * g.inImage(), first.images() * g.inImage());
            } else {
                int at = firstImage * g.inImage();
                int size = first.images() * g.inImage();
                for (int i = 0; i < size; i++) {
                    dx[at + i] = runSums[i];
                }
            }
        }
    }

    /**
     * A thread's staging buffer for dense copies of a band's output-gradient rows ({@link Bands#gather}),
     * in doubles or in floats as the gradient is held; both null when the bands need no staging.
     */
    private static final class Staging {
        final double[] doubles;
        final float[] floats;
        /** Dense rows of a gradient held as floats, as doubles, for {@link ConvProducts}; else null. */
        final double[] converted;

        private Staging(double[] doubles, float[] floats, double[] converted) {
            this.doubles = doubles;
            this.floats = floats;
            this.converted = converted;
        }

        /** This thread's buffers for {@code bands}, for a gradient held as floats or as doubles. */
        static Staging of(Bands bands, boolean floats) {
            int size = bands.outputValues();
            boolean staged = bands.needsStaging();
            return new Staging(staged && !floats ? Scratch.staging(size) : null,
                    staged && floats ? Scratch.floatStaging(size) : null,
                    floats && bands.g.patchSize() <= SHORT_PATCH ? Scratch.converted(size) : null);
        }
    }

    /**
     * Each thread's column and staging buffers, kept between calls and grown when a larger band needs
     * them: a training step runs every convolution forward and backward, and allocating (and zeroing)
     * half a megabyte per thread and call is measurable. Every user overwrites what it reads (im2col
     * writes every column value, the GEMM and the band copies every staged value, and a run of the input
     * gradient zeroes its images' float sums before adding onto them).
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(Scratch::new);
        private double[] columns = new double[0];
        private float[] floatColumns = new float[0];
        private float[] floatImages = new float[0];
        private float[] phases = new float[0];
        private double[] staging = new double[0];
        private float[] floatStaging = new float[0];
        private double[] converted = new double[0];

        static double[] columns(int size) {
            Scratch s = OF_THREAD.get();
            s.columns = atLeast(s.columns, size);
            return s.columns;
        }

        static float[] floatColumns(int size) {
            Scratch s = OF_THREAD.get();
            s.floatColumns = atLeast(s.floatColumns, size);
            return s.floatColumns;
        }

        static float[] floatImages(int size) {
            Scratch s = OF_THREAD.get();
            s.floatImages = atLeast(s.floatImages, size);
            return s.floatImages;
        }

        static float[] phases(int size) {
            Scratch s = OF_THREAD.get();
            s.phases = atLeast(s.phases, size);
            return s.phases;
        }

        static float[] floatStaging(int size) {
            Scratch s = OF_THREAD.get();
            s.floatStaging = atLeast(s.floatStaging, size);
            return s.floatStaging;
        }

        static double[] converted(int size) {
            Scratch s = OF_THREAD.get();
            s.converted = atLeast(s.converted, size);
            return s.converted;
        }

        static double[] staging(int size) {
            Scratch s = OF_THREAD.get();
            s.staging = atLeast(s.staging, size);
            return s.staging;
        }

        /** {@code kept}, or a larger array when it holds fewer than {@code size} values. */
        private static double[] atLeast(double[] kept, int size) {
            return kept.length >= size ? kept : new double[size];
        }

        private static float[] atLeast(float[] kept, int size) {
            return kept.length >= size ? kept : new float[size];
        }
    }
}
