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
 * values, bit for bit, whichever way their tensors are held: ReLU, convolution and the linear layer as
 * the double kernels do, batch norm (computed in float, as PyTorch's CPU kernel computes float32)
 * either way; with the output gradient held either way. Their outputs are held as floats, so a chain
 * of them never converts.
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
    void batchNormAndReluGiveTheSameBitsWhicheverWayTheirTensorsAreHeld(@ForAll("configs") Config c,
            @ForAll long seed) {
        BatchNormData d = BatchNormData.draw(c, seed);
        Tensor[] expected = run(c, asDoubles(d.x()), asDoubles(d.g()), d.stats(), d.gamma(), d.beta(), true);
        Tensor[] actual = run(c, asFloats(d.x()), c.gradientAsFloats() ? asFloats(d.g()) : asDoubles(d.g()),
                d.stats(), d.gamma(), d.beta(), true);
        for (int i = 0; i < BATCH_NORM_RESULTS.length; i++) {
            if (expected[i] != null) {
                assertArrayEquals(bits(expected[i]), bits(actual[i]), BATCH_NORM_RESULTS[i]);
            }
        }
        assertEquals(true, actual[0].hasStorageFloats(), "the output of a chain over floats is held as floats");
        assertEquals(true, actual[1].hasStorageFloats(), "float32 batch norm's input gradient is held as floats");
        assertEquals(DType.FLOAT32, actual[1].dtype());
    }

    /**
     * Float32 batch norm computes its elementwise parts in float (as PyTorch's CPU kernel does), so it
     * agrees with float64 batch norm of the same values up to a few float roundings.
     */
    @Property(tries = 60)
    void float32BatchNormAgreesWithFloat64UpToFloatRounding(@ForAll("configs") Config c, @ForAll long seed) {
        BatchNormData d = BatchNormData.draw(c, seed);
        Tensor[] float32 = run(c, asFloats(d.x()), asFloats(d.g()), d.stats(), d.gamma(), d.beta(), false);
        Tensor[] float64 = run(c, d.x().to(DType.FLOAT64), d.g().to(DType.FLOAT64), d.stats(), d.gamma(),
                d.beta(), false);
        for (int i = 0; i < BATCH_NORM_RESULTS.length; i++) {
            if (float64[i] == null) {
                continue;
            }
            double[] expected = float64[i].toDoubleArray();
            double[] actual = float32[i].toDoubleArray();
            double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0) + 1;
            for (int k = 0; k < expected.length; k++) {
                double tolerance = 2e-6 * scale + 1e-5 * Math.abs(expected[k]);
                assertTrue(Math.abs(actual[k] - expected[k]) <= tolerance, BATCH_NORM_RESULTS[i] + "[" + k + "] = "
                        + actual[k] + " in float32, " + expected[k] + " in float64 (tolerance " + tolerance + ")");
            }
        }
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
