package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tapegrad.autograd.functional.TestTensors.EXACT;
import static org.tapegrad.autograd.functional.TestTensors.assertClose;
import static org.tapegrad.autograd.functional.TestTensors.uniform;
import static org.tapegrad.autograd.functional.TestTensors.uniformLeaf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Tensor;

/** Properties of {@link Functional#conv2d}: gradients, and identities with simpler operations. */
class Conv2dProperties {

    /** One random convolution whose output is not empty. */
    record Config(int batch, int groups, int inPerGroup, int outPerGroup, int height, int width, int kernelH,
            int kernelW, int[] stride, int[] padding, int[] dilation, boolean bias) {
        int inChannels() {
            return groups * inPerGroup;
        }

        int outChannels() {
            return groups * outPerGroup;
        }

        boolean fits() {
            return dilation[0] * (kernelH - 1) + 1 <= height + 2 * padding[0]
                    && dilation[1] * (kernelW - 1) + 1 <= width + 2 * padding[1];
        }

        @Override
        public String toString() {
            return "x [" + batch + ", " + inChannels() + ", " + height + ", " + width + "], w [" + outChannels() + ", "
                    + inPerGroup + ", " + kernelH + ", " + kernelW + "], stride " + Arrays.toString(stride)
                    + ", padding " + Arrays.toString(padding) + ", dilation "
                    + Arrays.toString(dilation) + ", groups " + groups + ", bias " + bias;
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        Arbitrary<int[]> channels = Combinators.combine(Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4))
                .as((g, in, out) -> new int[] {g, in, out})
                .filter(c -> c[0] * c[1] <= 4 && c[0] * c[2] <= 4);
        Arbitrary<int[]> sizes = pairs(1, 7);
        Arbitrary<int[]> kernels = pairs(1, 3);
        return Combinators.combine(Arbitraries.integers().between(1, 2), channels, sizes, kernels, pairs(1, 3),
                pairs(0, 2), pairs(1, 2), Arbitraries.of(true, false))
                .as((n, c, s, k, stride, pad, dil, bias) -> new Config(n, c[0], c[1], c[2], s[0], s[1], k[0], k[1],
                        stride, pad, dil, bias))
                .filter(Config::fits);
    }

    private static Arbitrary<int[]> pairs(int min, int max) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.integers().between(min, max))
                .as((a, b) -> new int[] {a, b});
    }

    @Property(tries = 60)
    void gradientsOfInputWeightAndBiasMatchFiniteDifferences(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = uniformLeaf(gen, c.batch(), c.inChannels(), c.height(), c.width());
        Tensor w = uniformLeaf(gen, c.outChannels(), c.inPerGroup(), c.kernelH(), c.kernelW());
        Tensor b = uniformLeaf(gen, c.outChannels());
        if (c.bias()) {
            Gradcheck.check(in -> Functional.conv2d(in[0], in[1], in[2], c.stride(), c.padding(), c.dilation(),
                    c.groups()), x, w, b);
        } else {
            Gradcheck.check(in -> Functional.conv2d(in[0], in[1], null, c.stride(), c.padding(), c.dilation(),
                    c.groups()), x, w);
        }
    }

    @Property(tries = 30)
    void outputSizeFollowsPyTorchsFormula(@ForAll("configs") Config c) {
        Tensor x = Tensor.zeros(DType.FLOAT64, c.batch(), c.inChannels(), c.height(), c.width());
        Tensor w = Tensor.zeros(DType.FLOAT64, c.outChannels(), c.inPerGroup(), c.kernelH(), c.kernelW());
        Tensor y = Functional.conv2d(x, w, null, c.stride(), c.padding(), c.dilation(), c.groups());
        int outH = (c.height() + 2 * c.padding()[0] - c.dilation()[0] * (c.kernelH() - 1) - 1) / c.stride()[0] + 1;
        int outW = (c.width() + 2 * c.padding()[1] - c.dilation()[1] * (c.kernelW() - 1) - 1) / c.stride()[1] + 1;
        assertArrayEquals(new int[] {c.batch(), c.outChannels(), outH, outW}, y.shape());
    }

    @Property(tries = 30)
    void oneByOneConvolutionIsAMatmulOverChannels(@ForAll @IntRange(min = 1, max = 3) int batch,
            @ForAll @IntRange(min = 1, max = 5) int in, @ForAll @IntRange(min = 1, max = 5) int out,
            @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = uniform(gen, batch, in, h, w);
        Tensor weight = uniform(gen, out, in, 1, 1);
        Tensor bias = uniform(gen, out);
        Tensor conv = Functional.conv2d(x, weight, bias);
        // (out, in) · (batch, in, h·w) → (batch, out, h·w)
        Tensor matmul = weight.reshape(out, in).matmul(x.reshape(batch, in, h * w)).add(bias.reshape(out, 1));
        assertClose(matmul.reshape(batch, out, h, w), conv, EXACT);
    }

    @Property(tries = 30)
    void convolutionWithADiracKernelReturnsItsInput(@ForAll @IntRange(min = 1, max = 4) int channels,
            @ForAll @IntRange(min = 0, max = 2) int halfKernelH, @ForAll @IntRange(min = 0, max = 2) int halfKernelW,
            @ForAll @IntRange(min = 1, max = 2) int dilation, @ForAll @IntRange(min = 1, max = 7) int h,
            @ForAll @IntRange(min = 1, max = 7) int w, @ForAll long seed) {
        int kh = 2 * halfKernelH + 1;
        int kw = 2 * halfKernelW + 1;
        double[] dirac = new double[channels * channels * kh * kw];
        for (int c = 0; c < channels; c++) {
            dirac[((c * channels + c) * kh + halfKernelH) * kw + halfKernelW] = 1.0;
        }
        Tensor x = uniform(new Generator(seed), 2, channels, h, w);
        Tensor y = Functional.conv2d(x, Tensor.of(dirac, channels, channels, kh, kw), null, new int[] {1},
                new int[] {dilation * halfKernelH, dilation * halfKernelW}, new int[] {dilation}, 1);
        assertClose(x, y, 0.0);
    }

    @Property(tries = 30)
    void groupedConvolutionEqualsTheConcatenationOfPerGroupConvolutions(@ForAll("configs") Config c,
            @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = uniform(gen, c.batch(), c.inChannels(), c.height(), c.width());
        Tensor w = uniform(gen, c.outChannels(), c.inPerGroup(), c.kernelH(), c.kernelW());
        Tensor b = uniform(gen, c.outChannels());
        Tensor grouped = Functional.conv2d(x, w, b, c.stride(), c.padding(), c.dilation(), c.groups());
        List<Tensor> parts = new ArrayList<>();
        for (int g = 0; g < c.groups(); g++) {
            parts.add(Functional.conv2d(x.narrow(1, g * c.inPerGroup(), c.inPerGroup()),
                    w.narrow(0, g * c.outPerGroup(), c.outPerGroup()),
                    b.narrow(0, g * c.outPerGroup(), c.outPerGroup()),
                    c.stride(), c.padding(), c.dilation(), 1));
        }
        assertClose(Tensor.cat(parts, 1), grouped, EXACT);
    }

    @Property(tries = 30)
    void samePaddingEqualsExplicitZeroPaddingWithTheExtraAtTheBottomRight(
            @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
            @ForAll @IntRange(min = 1, max = 2) int dilation, @ForAll @IntRange(min = 1, max = 6) int h,
            @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = uniform(gen, 1, 2, h, w);
        Tensor weight = uniform(gen, 3, 2, kh, kw);
        int totalH = dilation * (kh - 1);
        int totalW = dilation * (kw - 1);
        Tensor padded = zeroPad(x, totalH / 2, totalH - totalH / 2, totalW / 2, totalW - totalW / 2);
        Tensor same = Functional.conv2d(x, weight, null, 1, "same", dilation, 1);
        assertArrayEquals(new int[] {1, 3, h, w}, same.shape());
        assertClose(Functional.conv2d(padded, weight, null, 1, 0, dilation, 1), same, EXACT);
    }

    /**
     * Float32 convolutions sum in float, as PyTorch's do, starting from the bias: each output is a
     * float32 value within the usual bound of a float sum of K products and the bias,
     * {@code (K + 2)·2⁻²⁴·(Σ|x||w| + |b|)}, of the float64 result (that magnitude per output is the
     * float64 convolution of |x| and |w| with bias |b|).
     */
    @Property(tries = 20)
    void float32InputGivesFloat32ValuesWithinFloatSummationErrorOfFloat64(@ForAll("configs") Config c,
            @ForAll boolean withBias, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = uniform(gen, c.batch(), c.inChannels(), c.height(), c.width()).to(DType.FLOAT32);
        Tensor w = uniform(gen, c.outChannels(), c.inPerGroup(), c.kernelH(), c.kernelW()).to(DType.FLOAT32);
        Tensor b = withBias ? uniform(gen, c.outChannels()).to(DType.FLOAT32) : null;
        double[] y32 = Functional.conv2d(x, w, b, c.stride(), c.padding(), c.dilation(), c.groups())
                .toDoubleArray();
        Tensor x64 = x.to(DType.FLOAT64);
        Tensor w64 = w.to(DType.FLOAT64);
        Tensor b64 = withBias ? b.to(DType.FLOAT64) : null;
        double[] y64 = Functional.conv2d(x64, w64, b64, c.stride(), c.padding(), c.dilation(), c.groups())
                .toDoubleArray();
        double[] magnitude = Functional.conv2d(x64.abs(), w64.abs(), withBias ? b64.abs() : null, c.stride(),
                c.padding(), c.dilation(), c.groups()).toDoubleArray();
        int patch = c.inPerGroup() * c.kernelH() * c.kernelW();
        for (int i = 0; i < y32.length; i++) {
            int at = i;
            assertEquals((float) y32[i], y32[i], 0.0, () -> "element " + at + " is not a float32 value");
            double bound = (patch + 2) * Math.ulp(1.0f) / 2 * magnitude[i];
            assertEquals(y64[i], y32[i], bound, () -> "element " + at + " of " + c + " (bias: " + withBias + ")");
        }
    }

    /** x (N, C, H, W) with zero rows/columns added: top, bottom, left, right. */
    static Tensor zeroPad(Tensor x, int top, int bottom, int left, int right) {
        int[] s = x.shape();
        int h = s[2] + top + bottom;
        int w = s[3] + left + right;
        double[] src = x.toDoubleArray();
        double[] out = new double[s[0] * s[1] * h * w];
        for (int p = 0; p < s[0] * s[1]; p++) {
            for (int i = 0; i < s[2]; i++) {
                System.arraycopy(src, (p * s[2] + i) * s[3], out, (p * h + i + top) * w + left, s[3]);
            }
        }
        return Tensor.of(x.dtype(), out, s[0], s[1], h, w);
    }
}
