package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Matmul;

/**
 * Float32 kernels that read and write tensors held as floats ({@link Tensor#wrapFloats}) give the same
 * values, bit for bit, as the double kernels given the same values held as doubles: ReLU, convolution and
 * the linear layer, forward and backward, with the output gradient held either way. Batch norm computes
 * float32 held as floats in float arithmetic (as PyTorch's CPU kernel does), so it is checked against
 * float64 instead. Outputs are held as floats when inputs are, so a chain of them never converts.
 */
class FloatHeldTensorProperties {

    /** Input (N, C, L), L up to beyond a few {@link BatchNorm#SEGMENT}s. */
    record Config(int batch, int channels, int length, boolean affine, boolean training, boolean gradientAsFloats) {
        int[] shape() {
            return new int[] {batch, channels, length};
        }

        @Override
        public String toString() {
            return "x " + Arrays.toString(shape()) + (affine ? " affine" : "") + (training ? " training" : " eval")
                    + (gradientAsFloats ? ", g as floats" : ", g as doubles");
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        int seg = BatchNorm.SEGMENT;
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, 3 * seg + 5), Arbitraries.of(seg - 1, seg + 1));
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3),
                lengths, Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .filter((n, c, l, affine, training, gFloats) -> n * l > 1)
                .as(Config::new);
    }

    /** The same values as {@code t}, held as floats only. */
    private static Tensor asFloats(Tensor t) {
        return Tensor.wrapFloats(t.toFloatArray(), t.shape());
    }

    /** The same values as {@code t}, held as doubles only. */
    private static Tensor asDoubles(Tensor t) {
        return Tensor.of(DType.FLOAT32, t.toDoubleArray(), t.shape());
    }

    /** The values' bits: equal arrays hold the same NaNs, infinities and signs of zero. */
    private static long[] bits(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).mapToLong(Double::doubleToLongBits).toArray();
    }

    /**
     * Batch norm (then ReLU, if {@code relu}), backward from g, in the type of x; returns {y, dx, dγ, dβ,
     * running mean, running var} (dγ and dβ null without affine).
     */
    private static Tensor[] run(Config c, Tensor x, Tensor g, double[] stats, double[] gamma, double[] beta,
            boolean relu) {
        int ch = c.channels();
        DType type = x.dtype();
        Tensor weight = c.affine() ? Tensor.of(type, gamma, ch).requiresGrad(true) : null;
        Tensor bias = c.affine() ? Tensor.of(type, beta, ch).requiresGrad(true) : null;
        Tensor runningMean = Tensor.of(type, Arrays.copyOfRange(stats, 0, ch), ch);
        Tensor runningVar = Tensor.of(type, Arrays.copyOfRange(stats, ch, 2 * ch), ch);
        Tensor y = Functional.batchNorm(x.requiresGrad(true), runningMean, runningVar, weight, bias, c.training(),
                0.1, 1e-5);
        if (relu) {
            y = y.relu();
        }
        y.backward(g);
        return new Tensor[] {y, x.grad(), c.affine() ? weight.grad() : null, c.affine() ? bias.grad() : null,
            runningMean, runningVar};
    }

    /** Random float32 input and gradient, and per-channel statistics, γ and β (float values). */
    private record BatchNormData(Tensor x, Tensor g, double[] stats, double[] gamma, double[] beta) {
        static BatchNormData draw(Config c, long seed) {
            Generator gen = new Generator(seed);
            Tensor x = Tensor.randn(gen, DType.FLOAT32, c.shape()).mul(2).add(0.5);
            Tensor g = Tensor.randn(gen, DType.FLOAT32, c.shape());
            double[] stats = new double[2 * c.channels()];
            double[] gamma = new double[c.channels()];
            double[] beta = new double[c.channels()];
            for (int k = 0; k < c.channels(); k++) {
                stats[k] = (float) (gen.nextDouble() - 0.5);
                stats[c.channels() + k] = (float) (0.5 + gen.nextDouble());
                gamma[k] = (float) (0.5 + gen.nextDouble());
                beta[k] = (float) (gen.nextDouble() - 0.5);
            }
            return new BatchNormData(x, g, stats, gamma, beta);
        }
    }

    private static final String[] BATCH_NORM_RESULTS = {"y", "dx", "dγ", "dβ", "running mean", "running var"};

    @Property(tries = 60)
    void reluGivesTheSameBitsWhicheverWayItsTensorsAreHeld(@ForAll("configs") Config c, @ForAll long seed) {
        BatchNormData d = BatchNormData.draw(c, seed);
        Tensor x = d.x().mul(Tensor.randint(new Generator(seed), 0, 2, DType.FLOAT32, c.shape())); // some zeros
        Tensor[] results = new Tensor[4];
        for (int asFloats = 0; asFloats < 2; asFloats++) {
            Tensor leaf = (asFloats == 1 ? asFloats(x) : asDoubles(x)).requiresGrad(true);
            Tensor y = leaf.relu();
            y.backward(asFloats == 1 && c.gradientAsFloats() ? asFloats(d.g()) : asDoubles(d.g()));
            results[2 * asFloats] = y;
            results[2 * asFloats + 1] = leaf.grad();
        }
        assertArrayEquals(bits(results[0]), bits(results[2]), "y");
        assertArrayEquals(bits(results[1]), bits(results[3]), "dx");
        assertEquals(true, results[2].hasStorageFloats(), "ReLU over floats writes floats");
        assertEquals(c.gradientAsFloats(), results[3].hasStorageFloats(),
                "the input gradient is held as floats when the output gradient was");
    }

    /** About 16 float roundings, relative: the error of a few float operations on float32 data. */
    private static final double FLOAT_ROUNDINGS = 16 * Math.ulp(1.0f) / 2;

    /**
     * Error bounds for float32 batch norm against float64, element by element: {@link #FLOAT_ROUNDINGS} of
     * the magnitudes of the terms each result is made of (not of the result, which may cancel: with two
     * values per channel, dx is nearly zero, and rounding μ and 1/σ to float32 moves it by more than a
     * rounding of itself). Returns {y, dx, dγ, dβ, running mean, running var}; null where not computed.
     */
    private static double[][] bounds(Config c, BatchNormData d, double[] runningMean, double[] runningVar) {
        int ch = c.channels();
        int inner = c.length();
        double[] x = d.x().toDoubleArray();
        double[] g = d.g().toDoubleArray();
        int count = c.batch() * inner;
        double[][] b = {new double[x.length], new double[x.length], new double[ch], new double[ch], new double[ch],
            new double[ch]};
        for (int k = 0; k < ch; k++) {
            double mean = 0;
            double squares = 0;
            double sumG = 0;
            double sumAbsG = 0;
            double sumGCentred = 0;
            double sumAbsGx = 0;
            for (int n = 0; n < c.batch(); n++) {
                for (int t = 0; t < inner; t++) {
                    mean += x[(n * ch + k) * inner + t] / count;
                }
            }
            for (int n = 0; n < c.batch(); n++) {
                for (int t = 0; t < inner; t++) {
                    int i = (n * ch + k) * inner + t;
                    squares += (x[i] - mean) * (x[i] - mean);
                    sumG += g[i];
                    sumAbsG += Math.abs(g[i]);
                    sumGCentred += g[i] * (x[i] - mean);
                    sumAbsGx += Math.abs(g[i]) * (Math.abs(x[i]) + Math.abs(mean));
                }
            }
            double mu = c.training() ? mean : d.stats()[k];
            double var = c.training() ? squares / count : d.stats()[ch + k];
            double invstd = 1 / Math.sqrt(var + 1e-5);
            double gamma = c.affine() ? d.gamma()[k] : 1;
            double beta = c.affine() ? d.beta()[k] : 0;
            double scale = Math.abs(gamma * invstd);
            double projection = c.training() ? Math.abs(sumGCentred) / count * invstd * invstd : 0;
            double meanG = c.training() ? Math.abs(sumG) / count : 0;
            for (int n = 0; n < c.batch(); n++) {
                for (int t = 0; t < inner; t++) {
                    int i = (n * ch + k) * inner + t;
                    double centred = Math.abs(x[i]) + Math.abs(mu);
                    b[0][i] = FLOAT_ROUNDINGS * (centred * scale + Math.abs(beta)) + Double.MIN_NORMAL;
                    b[1][i] = FLOAT_ROUNDINGS * scale * (Math.abs(g[i]) + centred * projection * 2 + meanG)
                            + Double.MIN_NORMAL;
                }
            }
            b[2][k] = FLOAT_ROUNDINGS * invstd * sumAbsGx * 2 + Double.MIN_NORMAL;
            b[3][k] = FLOAT_ROUNDINGS * sumAbsG + Double.MIN_NORMAL;
            b[4][k] = FLOAT_ROUNDINGS * (Math.abs(runningMean[k]) + Math.abs(mean)) + Double.MIN_NORMAL;
            b[5][k] = FLOAT_ROUNDINGS * (Math.abs(runningVar[k]) + squares / Math.max(1, count - 1))
                    + Double.MIN_NORMAL;
        }
        return b;
    }

    /**
     * Float32 batch norm, with x and g held as floats (float arithmetic, as PyTorch's CPU kernel computes
     * float32) or as doubles (double arithmetic, rounded once), agrees with float64 batch norm of the same
     * values up to a few float roundings of each result's terms ({@link #bounds}); its output and input
     * gradient are held as floats exactly when x and g were.
     */
    @Property(tries = 80)
    void float32BatchNormAgreesWithFloat64UpToFloatRounding(@ForAll("configs") Config c, @ForAll long seed) {
        BatchNormData d = BatchNormData.draw(c, seed);
        boolean floats = c.gradientAsFloats();
        Tensor[] float32 = run(c, floats ? asFloats(d.x()) : asDoubles(d.x()),
                floats ? asFloats(d.g()) : asDoubles(d.g()), d.stats(), d.gamma(), d.beta(), false);
        Tensor[] float64 = run(c, d.x().to(DType.FLOAT64), d.g().to(DType.FLOAT64), d.stats(), d.gamma(),
                d.beta(), false);
        double[][] bounds = bounds(c, d, Arrays.copyOfRange(d.stats(), 0, c.channels()),
                Arrays.copyOfRange(d.stats(), c.channels(), 2 * c.channels()));
        for (int i = 0; i < BATCH_NORM_RESULTS.length; i++) {
            if (float64[i] == null) {
                continue;
            }
            double[] expected = float64[i].toDoubleArray();
            double[] actual = float32[i].toDoubleArray();
            for (int k = 0; k < expected.length; k++) {
                double bound = bounds[i][k];
                assertTrue(Math.abs(actual[k] - expected[k]) <= bound, BATCH_NORM_RESULTS[i] + "[" + k + "] = "
                        + actual[k] + " in float32, " + expected[k] + " in float64 (bound " + bound + ")");
                assertEquals((float) actual[k], actual[k], 0.0, BATCH_NORM_RESULTS[i] + "[" + k + "] is not a float");
            }
        }
        assertEquals(floats, float32[0].hasStorageFloats(), "y is held as floats when x was");
        assertEquals(floats, float32[1].hasStorageFloats(), "dx is held as floats when g was");
    }

    /** A float32 convolution whose products pack float panels (at least 8 output channels and patch values). */
    record ConvCase(int batch, int inChannels, int outChannels, int size, int kernel, int stride, int padding,
            boolean bias, boolean gradientAsFloats) {
        @Override
        public String toString() {
            return "x [" + batch + ", " + inChannels + ", " + size + ", " + size + "], " + outChannels + " filters "
                    + kernel + "×" + kernel + " stride " + stride + " padding " + padding + (bias ? " with bias" : "")
                    + (gradientAsFloats ? ", g as floats" : ", g as doubles");
        }
    }

    @Provide
    Arbitrary<ConvCase> convCases() {
        Arbitrary<int[]> layer = Combinators.combine(Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(8, 20), Arbitraries.of(1, 3, 5), Arbitraries.of(1, 2, 3),
                Arbitraries.integers().between(0, 2))
                .as((in, out, kernel, stride, padding) -> new int[] {in, out, kernel, stride, padding});
        return Combinators.combine(Arbitraries.integers().between(1, 5), layer,
                Arbitraries.oneOf(Arbitraries.integers().between(5, 30), Arbitraries.of(70, 90)),
                Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((n, l, size, bias, gFloats) -> new ConvCase(n, l[0], l[1], size, l[2], l[3], l[4], bias, gFloats))
                .filter(c -> c.inChannels() * c.kernel() * c.kernel() >= 8 && c.size() + 2 * c.padding() >= c.kernel());
    }

    /**
     * conv2d, ReLU, then a linear layer over the flattened output; returns {y, dx, dW, db, dW of linear}.
     * With {@code viaDoubles} the convolution's output is first multiplied by 1 (exact), which gives it as
     * doubles: ReLU, the linear layer and all of backward then run their double kernels, the reference.
     */
    private static Tensor[] runConv(ConvCase c, Tensor x, Tensor w, Tensor b, Tensor linearW, Tensor g,
            boolean viaDoubles) {
        Tensor conv = Functional.conv2d(x.requiresGrad(true), w.requiresGrad(true), b == null ? null : b.requiresGrad(true),
                c.stride(), c.padding());
        conv = (viaDoubles ? conv.mul(1.0) : conv).relu();
        Tensor y = Matmul.linear(conv.reshape(c.batch(), -1), linearW.requiresGrad(true), null);
        y.backward(g);
        return new Tensor[] {conv, y, x.grad(), w.grad(), b == null ? null : b.grad(), linearW.grad()};
    }

    @Property(tries = 40)
    void convolutionAndLinearLayersReadInputsHeldAsFloatsBitForBit(@ForAll("convCases") ConvCase c,
            @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, c.batch(), c.inChannels(), c.size(), c.size());
        Tensor w = Tensor.randn(gen, DType.FLOAT32, c.outChannels(), c.inChannels(), c.kernel(), c.kernel());
        Tensor b = c.bias() ? Tensor.randn(gen, DType.FLOAT32, c.outChannels()) : null;
        int outSize = (c.size() + 2 * c.padding() - c.kernel()) / c.stride() + 1;
        int features = c.outChannels() * outSize * outSize;
        Tensor linearW = Tensor.randn(gen, DType.FLOAT32, 10, features);
        Tensor g = Tensor.randn(gen, DType.FLOAT32, c.batch(), 10);
        Tensor[] expected = runConv(c, asDoubles(x), asDoubles(w), b == null ? null : asDoubles(b),
                asDoubles(linearW), asDoubles(g), true);
        Tensor[] actual = runConv(c, asFloats(x), asDoubles(w), b == null ? null : asDoubles(b), asDoubles(linearW),
                c.gradientAsFloats() ? asFloats(g) : asDoubles(g), false);
        assertEquals(false, expected[0].hasStorageFloats(), "the reference runs the double kernels");
        String[] names = {"conv output", "linear output", "dx", "dW", "db", "dW of linear"};
        for (int i = 0; i < names.length; i++) {
            if (expected[i] != null) {
                assertArrayEquals(bits(expected[i]), bits(actual[i]), names[i]);
            }
        }
        if (outSize * outSize >= 32) {
            // rows of at least 32 output positions: the products pack float panels, and the output is floats
            assertEquals(true, actual[0].hasStorageFloats(), "a convolution over float panels writes floats");
        }
    }

    @Example
    void reluOverFloatsTreatsZerosInfinitiesAndNaNAsTheDoubleLoops() {
        float[] special = {-0.0f, 0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MAX_VALUE, 1.0f, -1.0f};
        float[] grads = {1f, -2f, 3f, Float.NaN, 5f, Float.NEGATIVE_INFINITY, 7f, -0.0f, Float.POSITIVE_INFINITY, 1f};
        Tensor xf = Tensor.wrapFloats(special.clone(), special.length).requiresGrad(true);
        Tensor xd = Tensor.of(special, special.length).requiresGrad(true);
        Tensor yf = xf.relu();
        Tensor yd = xd.relu();
        assertArrayEquals(bits(yd), bits(yf));
        yf.backward(Tensor.wrapFloats(grads.clone(), grads.length));
        yd.backward(Tensor.of(grads, grads.length));
        assertArrayEquals(bits(xd.grad()), bits(xf.grad()));
    }
}
