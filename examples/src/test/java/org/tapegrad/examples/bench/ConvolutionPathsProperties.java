package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
import org.tapegrad.autograd.functional.Functional;
import org.tapegrad.autograd.kernel.Parallelism;

/**
 * The optimised convolution (bands split across threads, register-blocked products for few output
 * channels, the input gradient of stride-1 convolutions as a convolution with the flipped kernel) against
 * the definition as plain loops, and against itself on one thread: the results must not depend on the
 * number of threads at all. Shapes are drawn so that every path is taken: 1 to 4 and 5 to 9 output
 * channels per group, images large enough to be cut into several bands, strides 1 and 2, dilation,
 * groups, and padding wider than the kernel's reach (where the flipped-kernel route does not apply).
 */
class ConvolutionPathsProperties {
    /** Relative tolerance of float64 results against the plain loops (sums in another order). */
    private static final double REORDERED_SUMS = 1e-12;

    record Case(int batch, int groups, int inPerGroup, int outPerGroup, int height, int width, int kernel,
            int stride, int padding, int dilation, boolean bias) {
        int inChannels() {
            return groups * inPerGroup;
        }

        int outChannels() {
            return groups * outPerGroup;
        }

        int outH() {
            return (height + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        }

        int outW() {
            return (width + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        }

        boolean fits() {
            return dilation * (kernel - 1) + 1 <= Math.min(height, width) + 2 * padding;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> channels = Combinators.combine(Arbitraries.of(1, 2), Arbitraries.integers().between(1, 5),
                Arbitraries.of(1, 2, 3, 4, 5, 7, 9)).as((g, in, out) -> new int[] {g, in, out});
        // up to 5·3·3 = 45 column rows × 70 × 70 positions: several 2^16-value bands per image
        Arbitrary<int[]> sizes = Combinators.combine(Arbitraries.integers().between(3, 70),
                Arbitraries.integers().between(3, 70)).as((h, w) -> new int[] {h, w});
        return Combinators.combine(Arbitraries.integers().between(1, 2), channels, sizes, Arbitraries.of(1, 2, 3),
                Arbitraries.of(1, 2), Arbitraries.of(0, 1, 2), Arbitraries.of(1, 2), Arbitraries.of(true, false))
                .as((n, c, s, k, stride, pad, dil, bias) -> new Case(n, c[0], c[1], c[2], s[0], s[1], k, stride, pad,
                        dil, bias))
                .filter(Case::fits);
    }

    @Property(tries = 25)
    void outputAndGradientsEqualThePlainLoopsAndDoNotDependOnTheThreadCount(@ForAll("cases") Case c,
            @ForAll long seed) {
        check(c, seed);
    }

    /** 45 column rows × 64² positions: three bands, 7 output channels (GEMM, staged bands), stride 1. */
    @Example
    void severalBandsThroughTheGemmWithTheFlippedKernelForTheInputGradient() {
        check(new Case(1, 1, 5, 7, 64, 64, 3, 1, 1, 1, true), 1);
    }

    /** Stride 2 (col2im) over two bands, 2 groups of 3 output channels, 27-tap filters (ConvProducts). */
    @Example
    void severalBandsWithStrideTwoAndShortFilters() {
        check(new Case(1, 2, 3, 3, 90, 90, 3, 2, 1, 1, false), 2);
    }

    /** A 1×1 kernel padded by 2: wider than the kernel's reach, so no flipped-kernel convolution. */
    @Example
    void paddingBeyondTheKernelsReach() {
        check(new Case(2, 1, 2, 2, 20, 20, 1, 1, 2, 1, true), 3);
    }

    private static void check(Case c, long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, c.batch(), c.inChannels(), c.height(), c.width());
        Tensor w = Tensor.randn(gen, DType.FLOAT64, c.outChannels(), c.inPerGroup(), c.kernel(), c.kernel());
        Tensor b = c.bias() ? Tensor.randn(gen, DType.FLOAT64, c.outChannels()) : null;
        Tensor r = Tensor.randn(gen, DType.FLOAT64, c.batch(), c.outChannels(), c.outH(), c.outW());

        double[][] reference = PlainConvolution.of(c).run(x.toDoubleArray(), w.toDoubleArray(),
                b == null ? null : b.toDoubleArray(), r.toDoubleArray());
        int threadsBefore = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            double[][] serial = optimised(c, x, w, b, r);
            Parallelism.setThreads(3);
            double[][] parallel = optimised(c, x, w, b, r);
            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < names.length; i++) {
                if (reference[i] == null) {
                    continue;
                }
                assertClose(reference[i], serial[i], names[i] + " of " + c);
                assertArrayEquals(serial[i], parallel[i], 0.0, names[i] + " on 3 threads vs 1, " + c);
            }
        } finally {
            Parallelism.setThreads(threadsBefore);
        }
    }

    /** Output, dx, dw, db (null without bias) of {@code Σ r·conv(x, w, b)} through tapegrad. */
    private static double[][] optimised(Case c, Tensor x, Tensor w, Tensor b, Tensor r) {
        Tensor xl = x.detach().requiresGrad(true);
        Tensor wl = w.detach().requiresGrad(true);
        Tensor bl = b == null ? null : b.detach().requiresGrad(true);
        Tensor out = Functional.conv2d(xl, wl, bl, new int[] {c.stride()}, new int[] {c.padding()},
                new int[] {c.dilation()}, c.groups());
        out.mul(r).sum().backward();
        return new double[][] {out.toDoubleArray(), xl.grad().toDoubleArray(), wl.grad().toDoubleArray(),
            bl == null ? null : bl.grad().toDoubleArray()};
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > REORDERED_SUMS * scale * 64) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " (" + Arrays.toString(Arrays.copyOf(actual, Math.min(actual.length, 8))) + "…)");
            }
        }
    }

    /** The convolution and its gradients as the definition's loops, in float64. */
    private record PlainConvolution(Case c) {
        static PlainConvolution of(Case c) {
            return new PlainConvolution(c);
        }

        /** {out, dx, dw, db} for the output gradient g. */
        double[][] run(double[] x, double[] w, double[] b, double[] g) {
            int oh = c.outH();
            int ow = c.outW();
            int k = c.kernel();
            double[] out = new double[c.batch() * c.outChannels() * oh * ow];
            double[] dx = new double[x.length];
            double[] dw = new double[w.length];
            double[] db = b == null ? null : new double[b.length];
            for (int n = 0; n < c.batch(); n++) {
                for (int o = 0; o < c.outChannels(); o++) {
                    int grp = o / c.outPerGroup();
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int at = ((n * c.outChannels() + o) * oh + i) * ow + j;
                            double s = b == null ? 0 : b[o];
                            for (int ci = 0; ci < c.inPerGroup(); ci++) {
                                int channel = grp * c.inPerGroup() + ci;
                                for (int u = 0; u < k; u++) {
                                    int h = i * c.stride() + u * c.dilation() - c.padding();
                                    for (int v = 0; v < k; v++) {
                                        int col = j * c.stride() + v * c.dilation() - c.padding();
                                        if (h < 0 || h >= c.height() || col < 0 || col >= c.width()) {
                                            continue;
                                        }
                                        int xi = ((n * c.inChannels() + channel) * c.height() + h) * c.width() + col;
                                        int wi = ((o * c.inPerGroup() + ci) * k + u) * k + v;
                                        s += w[wi] * x[xi];
                                        dx[xi] += g[at] * w[wi];
                                        dw[wi] += g[at] * x[xi];
                                    }
                                }
                            }
                            out[at] = s;
                            if (db != null) {
                                db[o] += g[at];
                            }
                        }
                    }
                }
            }
            return new double[][] {out, dx, dw, db};
        }
    }
}
