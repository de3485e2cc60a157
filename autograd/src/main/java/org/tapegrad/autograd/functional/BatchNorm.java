package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.ops.Kernels;

/**
 * Batch normalisation over (N, C, …), PyTorch's {@code F.batch_norm}.
 *
 * <h2>Shapes</h2>
 * input x (N, C, d1, …, dk) with k ≥ 0; runningMean, runningVar, weight γ, bias β each (C) or null;
 * output the shape of x. Each channel c is normalised over its {@code M = N·d1⋯dk} values.
 *
 * <h2>Forward</h2>
 * In training (or in eval without running statistics) with the batch statistics
 * <pre>
 *   μ_c = Σ x / M      σ²_c = Σ (x − μ_c)² / M  (biased)      invstd_c = 1 / √(σ²_c + eps)
 *   y = (x − μ_c)·invstd_c·γ_c + β_c                         (γ = 1, β = 0 when null)
 * </pre>
 * computed as PyTorch's CPU kernel does, {@code y = x·α_c + (β_c − μ_c·α_c)} with {@code α_c = invstd_c·γ_c}
 * (μ and invstd rounded to the input's dtype first, as PyTorch stores them). Training then updates the
 * running statistics in place, outside the tape, with the <em>unbiased</em> variance:
 * <pre>
 *   running_mean ← (1 − f)·running_mean + f·μ_c
 *   running_var  ← (1 − f)·running_var  + f·Σ (x − μ_c)² / (M − 1)
 * </pre>
 * where f is the {@code momentum} argument: the exponential-average factor itself. nn.BatchNorm2d with
 * {@code momentum=None} (a cumulative average) passes {@code f = 1/numBatchesTracked}, counted after the
 * increment, so the first batch replaces the initial statistics entirely. In eval with running
 * statistics, μ and σ² are running_mean and running_var (not updated).
 *
 * <h2>Backward (fused, exact through the batch statistics)</h2>
 * With {@code x̂ = (x − μ_c)·invstd_c} and sums over the M values of channel c:
 * <pre>
 *   dβ_c = Σ g          dγ_c = Σ g·x̂ = invstd_c · Σ g·(x − μ_c)
 *   dx   = γ_c·invstd_c·( g − Σg/M − (x − μ_c)·invstd_c²·Σ g·(x − μ_c)/M )     (batch statistics)
 *   dx   = γ_c·invstd_c·g                                                       (running statistics)
 * </pre>
 * One pass per channel gathers Σg and Σg·(x − μ), a second writes dx; μ and invstd are kept from forward
 * (C doubles each), x is saved. The running statistics never receive gradients.
 *
 * <h2>Speed</h2>
 * Every pass works on {@linkplain Segments segments} of one channel of one image, at most
 * {@link #SEGMENT} values each, split across {@link Parallelism} when the input has more than
 * {@link #PARALLEL_MIN_VALUES} values per thread: a few channels of a large image (the seed's 3 of
 * 224×224) then spread evenly over the threads. Sums are taken per segment, then added in segment order
 * per channel, so they do not depend on the number of threads. The backward gathers Σg and Σg·(x − μ)
 * in one pass. The sums keep four partial sums (see {@link Kernels#sum}); the elementwise loops index
 * every array by the same variable, which the JIT compiles to vector instructions.
 *
 * <h2>Float32</h2>
 * The sums are always in double (PyTorch's CPU kernel accumulates float32 in double too). The elementwise
 * loops take one of two routes, by how the tensor is held ({@link Kernels#isWholeFloats}):
 * <ul>
 *   <li>held as floats (a float32 convolution's output, its gradients): float arithmetic with the
 *       per-channel coefficients rounded to float, as PyTorch computes float32. C2 vectorises it; a loop
 *       converting each float to double and back runs scalar (2.9 against 0.08 ns per value measured).</li>
 *   <li>held as doubles (the seed experiment's convolutions write doubles): double arithmetic, rounded
 *       to float once, segment by segment while in cache (the earlier route; converting such a tensor to
 *       floats and back cost the seed experiment 12%).</li>
 * </ul>
 * The two agree within a few float roundings (both are tested against float64), not bit for bit.
 */
final class BatchNorm {
    private static final String OP = "batchNorm";
    /** Values a thread should get at least before channels are split across threads. */
    static final int PARALLEL_MIN_VALUES = 1 << 15;
    /**
     * Values of one channel of one image that form one unit of work and one partial sum (at most, give
     * or take the rounding of the image into equal segments): small enough that a channel of a large
     * image spreads over all threads, large enough that each unit's loop runs long.
     */
    static final int SEGMENT = 1 << 12;

    private BatchNorm() {
    }

    static Tensor apply(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        validate(x, runningMean, runningVar, weight, bias, training, eps);
        int[] shape = x.shape();
        int channels = shape[1];
        Segments segments = new Segments(shape[0], channels, valuesPerImage(shape));
        int count = segments.perChannel();
        boolean batchStats = training || runningMean == null;
        // a float32 input held as floats is computed in float arithmetic, as PyTorch's CPU kernel does (the
        // sums in double); one held as doubles in double, rounded once (see the class comment)
        float[] xf = Kernels.isWholeFloats(x) ? x.storageFloats() : null;
        double[] xd = xf == null ? Kernels.rowMajor(x) : null;
        double[] gamma = weight == null ? null : Kernels.rowMajor(weight);
        double[] beta = bias == null ? null : Kernels.rowMajor(bias);
        double[] mean = new double[channels];
        double[] invstd = new double[channels];
        if (batchStats) {
            double[] squares = new double[channels];
            if (xf != null) {
                batchStatistics(segments, (from, to) -> Kernels.sum(xf, from, to),
                        (from, to, m) -> squaredDeviations(xf, from, to, m), mean, squares);
            } else {
                batchStatistics(segments, (from, to) -> Kernels.sum(xd, from, to),
                        (from, to, m) -> squaredDeviations(xd, from, to, m), mean, squares);
            }
            for (int c = 0; c < channels; c++) {
                mean[c] = x.dtype().round(mean[c]);
                invstd[c] = x.dtype().round(1.0 / Math.sqrt(squares[c] / count + eps));
            }
            if (training && runningMean != null && count > 0) {
                updateRunningStatistics(runningMean, runningVar, mean, squares, count, momentum);
            }
        } else {
            double[] rm = Kernels.rowMajor(runningMean);
            double[] rv = Kernels.rowMajor(runningVar);
            for (int c = 0; c < channels; c++) {
                mean[c] = rm[c];
                invstd[c] = 1.0 / Math.sqrt(rv[c] + eps);
            }
        }
        double[] alpha = new double[channels];
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            alpha[c] = gamma == null ? invstd[c] : invstd[c] * gamma[c];
            shift[c] = (beta == null ? 0.0 : beta[c]) - mean[c] * alpha[c];
        }
        Tensor result;
        if (xf != null) {
            float[] out = new float[xf.length];
            segments.forEach((c, start, end) -> {
                // float arithmetic, which C2 vectorises (a loop converting float to double and back runs scalar)
                float a = (float) alpha[c];
                float b = (float) shift[c];
                for (int i = start; i < end; i++) {
                    out[i] = xf[i] * a + b;
                }
            });
            result = Tensor.wrapFloats(out, shape);
        } else {
            double[] out = new double[xd.length];
            DType type = x.dtype();
            segments.forEach((c, start, end) -> {
                double a = alpha[c];
                double b = shift[c];
                for (int i = start; i < end; i++) {
                    out[i] = xd[i] * a + b;
                }
                Kernels.round(type, out, start, end);
            });
            result = Tensor.wrapExact(out, type, shape);
        }
        if (Autograd.needsGrad(x, weight, bias)) {
            Autograd.record(result, new Node(OP, x, weight, bias) {
                final SavedTensor savedX = batchStats || needsInputGrad(1) ? save(x) : null;
                final SavedTensor savedWeight = weight != null && needsInputGrad(0) ? save(weight) : null;

                @Override
                protected Tensor[] backward(Tensor gradOut) {
                    Tensor xs = savedX == null ? null : savedX.get();
                    double[] gm = savedWeight == null ? null : Kernels.rowMajor(savedWeight.get());
                    double[] scale = new double[channels];
                    for (int c = 0; c < channels; c++) {
                        scale[c] = gm == null ? invstd[c] : gm[c] * invstd[c];
                    }
                    double[] sumG = new double[channels];
                    double[] sumGCentred = new double[channels];
                    Tensor dx = null;
                    if (Kernels.isWholeFloats(gradOut)) {
                        float[] gd = gradOut.storageFloats();
                        float[] xsf = xs == null ? null : Kernels.rowMajorFloats(xs);
                        if (xs != null || needsInputGrad(2)) {
                            SegmentGradientSums sums = xsf == null
                                    ? (from, to, m, pair) -> onlyGradientSum(Kernels.sum(gd, from, to), pair)
                                    : (from, to, m, pair) -> gradientAndCentredProductSums(gd, xsf, from, to, m, pair);
                            gradientSums(segments, sums, mean, sumG, sumGCentred);
                        }
                        if (needsInputGrad(0)) {
                            // may be gd itself (an owned gradient): each element of g is read before it is written
                            float[] dxf = elementwiseFloatGradientBuffer(gradOut);
                            InputGradient rule = new InputGradient(mean, invstd, scale, sumG, sumGCentred, count);
                            segments.forEach(batchStats ? (c, start, end) -> rule.batch(c, gd, xsf, dxf, start, end)
                                    : (c, start, end) -> rule.running(c, gd, dxf, start, end));
                            dx = Tensor.wrapFloats(dxf, shape);
                        }
                    } else {
                        double[] gd = Kernels.rowMajor(gradOut);
                        double[] xsd = xs == null ? null : Kernels.rowMajor(xs);
                        if (xs != null || needsInputGrad(2)) {
                            SegmentGradientSums sums = xsd == null
                                    ? (from, to, m, pair) -> onlyGradientSum(Kernels.sum(gd, from, to), pair)
                                    : (from, to, m, pair) -> gradientAndCentredProductSums(gd, xsd, from, to, m, pair);
                            gradientSums(segments, sums, mean, sumG, sumGCentred);
                        }
                        if (needsInputGrad(0)) {
                            // may be gd itself (an owned gradient): each element of g is read before it is written
                            double[] dxd = elementwiseGradientBuffer(gradOut);
                            InputGradient rule = new InputGradient(mean, invstd, scale, sumG, sumGCentred, count);
                            DType type = x.dtype();
                            segments.forEach((c, start, end) -> {
                                if (batchStats) {
                                    rule.batch(c, gd, xsd, dxd, start, end);
                                } else {
                                    rule.running(c, gd, dxd, start, end);
                                }
                                Kernels.round(type, dxd, start, end);
                            });
                            dx = Tensor.wrapExact(dxd, type, shape);
                        }
                    }
                    Tensor dWeight = null;
                    if (needsInputGrad(1)) {
                        double[] dw = new double[channels];
                        for (int c = 0; c < channels; c++) {
                            dw[c] = sumGCentred[c] * invstd[c];
                        }
                        dWeight = Tensor.wrap(dw, weight.dtype(), channels);
                    }
                    Tensor dBias = needsInputGrad(2) ? Tensor.wrap(sumG, bias.dtype(), channels) : null;
                    return new Tensor[] {dx, dWeight, dBias};
                }
            });
        }
        return result;
    }

    /** A sum over one segment [from, to) of the input. */
    @FunctionalInterface
    private interface SegmentSum {
        double over(int from, int to);
    }

    /** A sum over one segment [from, to) of the input, of its deviations from the channel's mean m. */
    @FunctionalInterface
    private interface SegmentDeviationSum {
        double over(int from, int to, double m);
    }

    /** Σg and Σg·(x − m) over one segment [from, to), into {@code sums[0]} and {@code sums[1]}. */
    @FunctionalInterface
    private interface SegmentGradientSums {
        void over(int from, int to, double m, double[] sums);
    }

    /** The work on one segment [start, end) of channel c. */
    @FunctionalInterface
    private interface SegmentAction {
        void run(int c, int start, int end);
    }

    /**
     * Per channel: the mean, and the sum of squared deviations from it (two passes, for accuracy). Each
     * pass sums every segment on its own, then each channel's segments in order.
     *
     * @param mean    modified: receives Σx/M
     * @param squares modified: receives Σ(x − μ)²
     */
    private static void batchStatistics(Segments segments, SegmentSum sum, SegmentDeviationSum deviations,
            double[] mean, double[] squares) {
        double[] partial = new double[segments.count];
        Parallelism.parallelFor(0, segments.count, segments.minChunk(), (from, to) -> {
            for (int unit = from; unit < to; unit++) {
                partial[unit] = sum.over(segments.start(unit), segments.end(unit));
            }
        });
        segments.sumPerChannel(partial, mean);
        int count = segments.perChannel();
        for (int c = 0; c < mean.length; c++) {
            mean[c] /= count;
        }
        Parallelism.parallelFor(0, segments.count, segments.minChunk(), (from, to) -> {
            for (int unit = from; unit < to; unit++) {
                partial[unit] = deviations.over(segments.start(unit), segments.end(unit),
                        mean[segments.channel(unit)]);
            }
        });
        segments.sumPerChannel(partial, squares);
    }

    /** Σ (x[i] − m)² over [from, to), with four partial sums (see {@link Kernels#sum}). */
    private static double squaredDeviations(double[] x, int from, int to, double m) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            double d0 = x[i] - m;
            double d1 = x[i + 1] - m;
            double d2 = x[i + 2] - m;
            double d3 = x[i + 3] - m;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < to; i++) {
            double d = x[i] - m;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@link #squaredDeviations(double[], int, int, double)} of floats, in double: the same value. */
    private static double squaredDeviations(float[] x, int from, int to, double m) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            double d0 = x[i] - m;
            double d1 = x[i + 1] - m;
            double d2 = x[i + 2] - m;
            double d3 = x[i + 3] - m;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < to; i++) {
            double d = x[i] - m;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Σ g[i] and Σ g[i]·(x[i] − m) over [from, to) in one pass, each with four partial sums (see
     * {@link Kernels#sum}).
     *
     * @param sums modified: receives the two sums at {@code sums[0]} and {@code sums[1]}
     */
    private static void gradientAndCentredProductSums(double[] g, double[] x, int from, int to, double m,
            double[] sums) {
        double g0 = 0;
        double g1 = 0;
        double g2 = 0;
        double g3 = 0;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            g0 += g[i];
            g1 += g[i + 1];
            g2 += g[i + 2];
            g3 += g[i + 3];
            s0 += g[i] * (x[i] - m);
            s1 += g[i + 1] * (x[i + 1] - m);
            s2 += g[i + 2] * (x[i + 2] - m);
            s3 += g[i + 3] * (x[i + 3] - m);
        }
        for (; i < to; i++) {
            g0 += g[i];
            s0 += g[i] * (x[i] - m);
        }
        sums[0] = (g0 + g1) + (g2 + g3);
        sums[1] = (s0 + s1) + (s2 + s3);
    }

    /** Σg alone into {@code sums[0]}, and 0 for Σg·(x − m): without x it is not needed. */
    private static void onlyGradientSum(double sumG, double[] sums) {
        sums[0] = sumG;
        sums[1] = 0;
    }

    /** {@link #gradientAndCentredProductSums(double[], double[], int, int, double, double[])} of floats, in double. */
    private static void gradientAndCentredProductSums(float[] g, float[] x, int from, int to, double m,
            double[] sums) {
        double g0 = 0;
        double g1 = 0;
        double g2 = 0;
        double g3 = 0;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            double gi0 = g[i];
            double gi1 = g[i + 1];
            double gi2 = g[i + 2];
            double gi3 = g[i + 3];
            g0 += gi0;
            g1 += gi1;
            g2 += gi2;
            g3 += gi3;
            s0 += gi0 * (x[i] - m);
            s1 += gi1 * (x[i + 1] - m);
            s2 += gi2 * (x[i + 2] - m);
            s3 += gi3 * (x[i + 3] - m);
        }
        for (; i < to; i++) {
            double gi = g[i];
            g0 += gi;
            s0 += gi * (x[i] - m);
        }
        sums[0] = (g0 + g1) + (g2 + g3);
        sums[1] = (s0 + s1) + (s2 + s3);
    }

    /** running ← (1 − f)·running + f·batch statistic, in place and outside the tape (bumps their version). */
    private static void updateRunningStatistics(Tensor runningMean, Tensor runningVar, double[] mean,
            double[] squares, int count, double f) {
        double[] rm = runningMean.toDoubleArray();
        double[] rv = runningVar.toDoubleArray();
        for (int c = 0; c < rm.length; c++) {
            rm[c] = f * mean[c] + (1 - f) * rm[c];
            rv[c] = f * (squares[c] / (count - 1)) + (1 - f) * rv[c];
        }
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            runningMean.copyFrom(Tensor.wrap(rm, runningMean.dtype(), rm.length));
            runningVar.copyFrom(Tensor.wrap(rv, runningVar.dtype(), rv.length));
        }
    }

    /**
     * Per channel: Σ g and Σ g·(x − μ) (the latter only when the segment sums give it), segment by
     * segment, then each channel's segments in order.
     *
     * @param sumG        modified
     * @param sumGCentred modified
     */
    private static void gradientSums(Segments segments, SegmentGradientSums sums, double[] mean, double[] sumG,
            double[] sumGCentred) {
        double[] partialG = new double[segments.count];
        double[] partialCentred = new double[segments.count];
        Parallelism.parallelFor(0, segments.count, segments.minChunk(), (from, to) -> {
            double[] pair = new double[2];
            for (int unit = from; unit < to; unit++) {
                sums.over(segments.start(unit), segments.end(unit), mean[segments.channel(unit)], pair);
                partialG[unit] = pair[0];
                partialCentred[unit] = pair[1];
            }
        });
        segments.sumPerChannel(partialG, sumG);
        segments.sumPerChannel(partialCentred, sumGCentred);
    }

    /**
     * dx per channel c: with batch statistics {@code (g − (x − μ)·Σg(x − μ)/(M·σ²) − Σg/M)·γ/σ}, else
     * {@code g·γ/σ} (σ = 1/invstd; γ = 1 without a weight; {@code scale = γ/σ}): in double for doubles
     * (rounded to float32 by the caller where needed), in float for floats (the per-channel coefficients
     * computed in double and rounded), as PyTorch's CPU kernel computes float32. dx may be g itself: each
     * element of g is read before it is written.
     */
    private static final class InputGradient {
        private final double[] mean;
        private final double[] invstd;
        private final double[] scale;
        private final double[] sumG;
        private final double[] sumGCentred;
        private final int count;

        InputGradient(double[] mean, double[] invstd, double[] scale, double[] sumG, double[] sumGCentred,
                int count) {
            this.mean = mean;
            this.invstd = invstd;
            this.scale = scale;
            this.sumG = sumG;
            this.sumGCentred = sumGCentred;
            this.count = count;
        }

        void batch(int c, double[] g, double[] x, double[] dx, int start, int end) {
            double meanG = sumG[c] / count;
            double projection = sumGCentred[c] / count * invstd[c] * invstd[c];
            double m = mean[c];
            double s = scale[c];
            for (int i = start; i < end; i++) {
                dx[i] = (g[i] - (x[i] - m) * projection - meanG) * s;
            }
        }

        /** {@link #batch(int, double[], double[], double[], int, int)} in float arithmetic (vectorised). */
        void batch(int c, float[] g, float[] x, float[] dx, int start, int end) {
            float meanG = (float) (sumG[c] / count);
            float projection = (float) (sumGCentred[c] / count * invstd[c] * invstd[c]);
            float m = (float) mean[c];
            float s = (float) scale[c];
            for (int i = start; i < end; i++) {
                dx[i] = (g[i] - (x[i] - m) * projection - meanG) * s;
            }
        }

        void running(int c, double[] g, double[] dx, int start, int end) {
            double s = scale[c];
            for (int i = start; i < end; i++) {
                dx[i] = g[i] * s;
            }
        }

        void running(int c, float[] g, float[] dx, int start, int end) {
            float s = (float) scale[c];
            for (int i = start; i < end; i++) {
                dx[i] = g[i] * s;
            }
        }
    }

    /** d1⋯dk: the values of one channel of one image. */
    private static int valuesPerImage(int[] shape) {
        int inner = 1;
        for (int d = 2; d < shape.length; d++) {
            inner *= shape[d];
        }
        return inner;
    }

    private static void validate(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double eps) {
        int[] shape = x.shape();
        if (shape.length < 2) {
            throw new ShapeException(OP + ": expected an input of at least 2 dimensions (N, C, …), but got input of "
                    + "size "
                    + Shapes.format(shape));
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException(OP + ": batch_norm eps must be positive, but got " + eps);
        }
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(OP + ": runningMean and runningVar must both be given or both be null, "
                    + "but got runningMean " + (runningMean == null ? "null" : Shapes.format(runningMean.shape()))
                    + " and runningVar " + (runningVar == null ? "null" : Shapes.format(runningVar.shape())));
        }
        int channels = shape[1];
        String what = "one per channel of input " + Shapes.format(shape);
        Args.vectorOfLength(OP, "runningMean", runningMean, channels, what);
        Args.vectorOfLength(OP, "runningVar", runningVar, channels, what);
        Args.vectorOfLength(OP, "weight", weight, channels, what);
        Args.vectorOfLength(OP, "bias", bias, channels, what);
        Args.sameType(OP, "input", x, "runningMean", runningMean);
        Args.sameType(OP, "input", x, "runningVar", runningVar);
        Args.sameType(OP, "input", x, "weight", weight);
        Args.sameType(OP, "input", x, "bias", bias);
        if (training) {
            if ((long) shape[0] * valuesPerImage(shape) == 1) {
                throw new IllegalArgumentException(OP + ": Expected more than 1 value per channel when training, "
                        + "got input size " + Shapes.format(shape));
            }
        }
    }

    /**
     * The units of work of every pass: each channel of each image cut into segments of about
     * {@link #SEGMENT} values, numbered channel by channel (then image by image, then along the image),
     * so that one channel's segments are consecutive and its partial sums can be added in order. The
     * segments depend on the shape only, never on the number of threads. This class is immutable.
     */
    private static final class Segments {
        final int batch;
        final int channels;
        final int inner;
        /** Segments per channel and image. */
        final int perImage;
        final int count;

        Segments(int batch, int channels, int inner) {
            this.batch = batch;
            this.channels = channels;
            this.inner = inner;
            this.perImage = Math.max(1, Args.ceilDiv(inner, SEGMENT));
            this.count = channels * batch * perImage;
        }

        int channel(int unit) {
            return unit / (batch * perImage);
        }

        /** Offset of the segment's first value in the row-major (N, C, …) array. */
        int start(int unit) {
            return offset(unit, unit % perImage);
        }

        /** Offset just past the segment's last value. */
        int end(int unit) {
            return offset(unit, unit % perImage + 1);
        }

        /** Values per channel: M = N·d1⋯dk. */
        int perChannel() {
            return batch * inner;
        }

        /** {@code totals[c] = Σ partial[unit]} over channel c's segments, in order. */
        void sumPerChannel(double[] partial, double[] totals) {
            int perChannel = batch * perImage;
            for (int c = 0; c < channels; c++) {
                double s = 0;
                for (int unit = c * perChannel; unit < (c + 1) * perChannel; unit++) {
                    s += partial[unit];
                }
                totals[c] = s;
            }
        }

        /** Runs {@code action} on every segment, split across {@link Parallelism}. */
        void forEach(SegmentAction action) {
            Parallelism.parallelFor(0, count, minChunk(), (from, to) -> {
                for (int unit = from; unit < to; unit++) {
                    action.run(channel(unit), start(unit), end(unit));
                }
            });
        }

        /** Segments per thread so that each thread gets at least {@link #PARALLEL_MIN_VALUES} values. */
        int minChunk() {
            return Math.max(1, PARALLEL_MIN_VALUES / Math.max(1, Math.min(SEGMENT, inner)));
        }

        /** Offset of the k-th of the {@code perImage} equal parts of the unit's (image, channel) run. */
        private int offset(int unit, int k) {
            int n = unit / perImage % batch;
            int c = channel(unit);
            return (n * channels + c) * inner + (int) ((long) inner * k / perImage);
        }
    }
}
