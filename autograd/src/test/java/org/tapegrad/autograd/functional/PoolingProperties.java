package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.functional.TestTensors.EXACT;
import static org.tapegrad.autograd.functional.TestTensors.assertClose;
import static org.tapegrad.autograd.functional.TestTensors.distinctLeaf;
import static org.tapegrad.autograd.functional.TestTensors.uniform;
import static org.tapegrad.autograd.functional.TestTensors.uniformLeaf;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Tensor;

/** Properties of {@link Functional#maxPool2d} and {@link Functional#avgPool2d}. */
class PoolingProperties {

    /** One random pooling with a non-empty output; {@code batch == 0} means a 3-D (C, H, W) input. */
    record Config(int batch, int channels, int height, int width, int[] kernel, int[] stride, int[] padding) {
        int[] inputShape() {
            return batch == 0 ? new int[] {channels, height, width} : new int[] {batch, channels, height, width};
        }

        boolean valid() {
            return padding[0] <= kernel[0] / 2 && padding[1] <= kernel[1] / 2
                    && height + 2 * padding[0] >= kernel[0] && width + 2 * padding[1] >= kernel[1];
        }

        @Override
        public String toString() {
            return "x " + Arrays.toString(inputShape()) + ", kernel " + Arrays.toString(kernel)
                    + ", stride " + Arrays.toString(stride) + ", padding "
                    + Arrays.toString(padding);
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 3),
                pairs(1, 7), pairs(1, 3), pairs(1, 3), pairs(0, 1))
                .as((n, c, size, k, s, p) -> new Config(n, c, size[0], size[1], k, s, p))
                .filter(Config::valid);
    }

    private static Arbitrary<int[]> pairs(int min, int max) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.integers().between(min, max))
                .as((a, b) -> new int[] {a, b});
    }

    @Property(tries = 50)
    void maxPoolingGradientMatchesFiniteDifferencesWithoutTies(@ForAll("configs") Config c, @ForAll long seed) {
        Tensor x = distinctLeaf(new Generator(seed), c.inputShape());
        Gradcheck.check(in -> Functional.maxPool2d(in[0], c.kernel(), c.stride(), c.padding()), x);
    }

    @Property(tries = 50)
    void averagePoolingGradientMatchesFiniteDifferences(@ForAll("configs") Config c, @ForAll long seed) {
        Tensor x = uniformLeaf(new Generator(seed), c.inputShape());
        Gradcheck.check(in -> Functional.avgPool2d(in[0], c.kernel(), c.stride(), c.padding()), x);
    }

    @Property(tries = 40)
    void averagePoolingIsADepthwiseConvolutionWithAConstantKernel(@ForAll("configs") Config c, @ForAll long seed) {
        int batch = Math.max(c.batch(), 1);
        Tensor x = uniform(new Generator(seed), batch, c.channels(), c.height(), c.width());
        int k = c.kernel()[0] * c.kernel()[1];
        Tensor kernel = Tensor.full(1.0 / k, DType.FLOAT64, c.channels(), 1, c.kernel()[0], c.kernel()[1]);
        // zero padding counted in the divisor is exactly what a zero-padded convolution computes
        Tensor conv = Functional.conv2d(x, kernel, null, c.stride(), c.padding(), new int[] {1}, c.channels());
        assertClose(conv, Functional.avgPool2d(x, c.kernel(), c.stride(), c.padding()), EXACT);
    }

    @Property(tries = 40)
    void withoutPaddingTheMaximumOfAWindowIsAtLeastItsAverage(@ForAll("configs") Config c, @ForAll long seed) {
        Assume.that(c.height() >= c.kernel()[0] && c.width() >= c.kernel()[1]);
        Tensor x = uniform(new Generator(seed), c.inputShape());
        int[] none = {0, 0};
        double[] max = Functional.maxPool2d(x, c.kernel(), c.stride(), none).toDoubleArray();
        double[] avg = Functional.avgPool2d(x, c.kernel(), c.stride(), none).toDoubleArray();
        for (int i = 0; i < max.length; i++) {
            assertTrue(max[i] >= avg[i] - EXACT, "max " + max[i] + " < average " + avg[i] + " at " + i);
        }
    }

    @Property(tries = 20)
    void aOneByOneWindowWithStrideOneIsTheIdentity(@ForAll("configs") Config c, @ForAll long seed) {
        Tensor x = uniform(new Generator(seed), c.inputShape());
        assertClose(x, Functional.maxPool2d(x, 1, 1, 0), 0.0);
        assertClose(x, Functional.avgPool2d(x, 1, 1, 0), 0.0);
    }

    @Property(tries = 20)
    void maxPoolingGradientSumsToTheUpstreamGradient(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = distinctLeaf(gen, c.inputShape());
        Tensor y = Functional.maxPool2d(x, c.kernel(), c.stride(), c.padding());
        Tensor g = uniform(gen, y.shape());
        y.backward(g);
        // every output routes its whole gradient to exactly one input (windows always contain one)
        assertClose(g.sum(), x.grad().sum(), EXACT);
    }
}
