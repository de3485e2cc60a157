package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Over random weight shapes, dtypes and seeds, every drawing initialiser stays in its range and its samples
 * have the mean and standard deviation its formula predicts (and, for plain uniform and normal draws, the
 * predicted distribution). The tolerances and their false-alarm rate are explained in {@link Stats}.
 */
class InitDistributionProperties {
    private static final int TRIES = 20;

    /** A weight shape, its dtype and a generator seed. */
    record Case(int[] shape, DType dtype, long seed) {
        Tensor tensor() {
            return Tensor.zeros(dtype, shape);
        }

        Generator generator() {
            return new Generator(seed);
        }

        Fans fans() {
            return Fans.of(shape);
        }

        String describe(String what) {
            return what + " on " + dtype + " " + Shapes.format(shape) + " seed " + seed;
        }
    }

    /** (out, in, k…): out and in at least 24, so every sample has at least 576 values (Stats.MIN_SAMPLES). */
    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> shapes = Combinators.combine(
                Arbitraries.integers().between(24, 96),
                Arbitraries.integers().between(24, 64),
                Arbitraries.integers().between(1, 3).list().ofMaxSize(2))
                .as(InitDistributionProperties::shape);
        return Combinators.combine(shapes, Arbitraries.of(DType.values()), Arbitraries.longs())
                .as(Case::new);
    }

    @Provide
    Arbitrary<String> nonlinearities() {
        return Arbitraries.of("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu");
    }

    private static int[] shape(int out, int in, List<Integer> kernel) {
        int[] s = new int[2 + kernel.size()];
        s[0] = out;
        s[1] = in;
        for (int d = 0; d < kernel.size(); d++) {
            s[2 + d] = kernel.get(d);
        }
        return s;
    }

    // ------------------------------------------------------------------ plain distributions

    @Property(tries = TRIES, seed = "1001")
    void uniformStaysInItsHalfOpenRangeAndIsUniform(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = -5, max = 5) double a,
            @ForAll @Scale(6) @DoubleRange(min = 0.01, max = 10) double width) {
        double b = a + width;
        double[] x = Init.uniform_(c.tensor(), a, b, c.generator()).toDoubleArray();
        assertAllIn(c.describe("uniform_"), x, c.dtype().round(a), c.dtype().round(b), false);
        Stats.assertMeanAndStd(c.describe("uniform_"), x, (a + b) / 2, width / Math.sqrt(12), Stats.UNIFORM_KURTOSIS);
        Stats.assertFollows(c.describe("uniform_"), x, uniform(a, b));
    }

    @Property(tries = TRIES, seed = "1002")
    void normalHasTheRequestedMeanAndStdAndIsNormal(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = -3, max = 3) double mean,
            @ForAll @Scale(6) @DoubleRange(min = 0.01, max = 5) double std) {
        double[] x = Init.normal_(c.tensor(), mean, std, c.generator()).toDoubleArray();
        Stats.assertMeanAndStd(c.describe("normal_"), x, mean, std, Stats.NORMAL_KURTOSIS);
        Stats.assertFollows(c.describe("normal_"), x, normal(mean, std));
    }

    @Property(tries = TRIES, seed = "1003")
    void truncNormalStaysInAbsoluteBoundsWithTheTruncatedMoments(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = -1, max = 1) double mean,
            @ForAll @Scale(6) @DoubleRange(min = 0.1, max = 2) double std,
            @ForAll @Scale(6) @DoubleRange(min = -3, max = 1) double alpha,
            @ForAll @Scale(6) @DoubleRange(min = 0.5, max = 4) double width) {
        // a and b are absolute; drawn here as mean + std·(standardised cut) to cover narrow and wide windows.
        double a = mean + std * alpha;
        double b = mean + std * (alpha + width);
        double[] x = Init.truncNormal_(c.tensor(), mean, std, a, b, c.generator()).toDoubleArray();
        assertAllIn(c.describe("truncNormal_"), x, c.dtype().round(a), c.dtype().round(b), true);
        Stats.Moments m = Stats.truncatedNormal(mean, std, a, b);
        Stats.assertMeanAndStd(c.describe("truncNormal_"), x, m.mean(), m.std(), m.kurtosis());
    }

    // ------------------------------------------------------------------ Kaiming and Xavier

    @Property(tries = TRIES, seed = "1004")
    void kaimingUniformStaysWithinItsBoundAndHasItsStd(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = 0, max = 3) double a, @ForAll FanMode mode,
            @ForAll("nonlinearities") String nonlinearity) {
        double bound = Kaiming.bound(c.fans(), a, mode, nonlinearity);
        double[] x = Init.kaimingUniform_(c.tensor(), a, mode, nonlinearity, c.generator()).toDoubleArray();
        String what = c.describe("kaimingUniform_ " + mode + " " + nonlinearity + " a=" + a);
        assertAllIn(what, x, -c.dtype().round(bound), c.dtype().round(bound), false);
        Stats.assertMeanAndStd(what, x, 0, Kaiming.std(c.fans(), a, mode, nonlinearity), Stats.UNIFORM_KURTOSIS);
        Stats.assertFollows(what, x, uniform(-bound, bound));
    }

    @Property(tries = TRIES, seed = "1005")
    void kaimingNormalHasItsStd(@ForAll("cases") Case c, @ForAll @Scale(6) @DoubleRange(min = 0, max = 3) double a,
            @ForAll FanMode mode, @ForAll("nonlinearities") String nonlinearity) {
        double std = Kaiming.std(c.fans(), a, mode, nonlinearity);
        double[] x = Init.kaimingNormal_(c.tensor(), a, mode, nonlinearity, c.generator()).toDoubleArray();
        String what = c.describe("kaimingNormal_ " + mode + " " + nonlinearity + " a=" + a);
        Stats.assertMeanAndStd(what, x, 0, std, Stats.NORMAL_KURTOSIS);
        Stats.assertFollows(what, x, normal(0, std));
    }

    @Property(tries = TRIES, seed = "1006")
    void xavierUniformStaysWithinItsBoundAndHasItsStd(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = 0.2, max = 3) double gain) {
        double bound = Xavier.bound(c.fans(), gain);
        double[] x = Init.xavierUniform_(c.tensor(), gain, c.generator()).toDoubleArray();
        String what = c.describe("xavierUniform_ gain " + gain);
        assertAllIn(what, x, -c.dtype().round(bound), c.dtype().round(bound), false);
        Stats.assertMeanAndStd(what, x, 0, Xavier.std(c.fans(), gain), Stats.UNIFORM_KURTOSIS);
        Stats.assertFollows(what, x, uniform(-bound, bound));
    }

    @Property(tries = TRIES, seed = "1007")
    void xavierNormalHasItsStd(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = 0.2, max = 3) double gain) {
        double std = Xavier.std(c.fans(), gain);
        double[] x = Init.xavierNormal_(c.tensor(), gain, c.generator()).toDoubleArray();
        String what = c.describe("xavierNormal_ gain " + gain);
        Stats.assertMeanAndStd(what, x, 0, std, Stats.NORMAL_KURTOSIS);
        Stats.assertFollows(what, x, normal(0, std));
    }

    // ------------------------------------------------------------------ sparse

    @Property(tries = TRIES, seed = "1008")
    void sparseNonzerosAreNormalWithTheRequestedStd(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = 0, max = 0.5) double sparsity,
            @ForAll @Scale(6) @DoubleRange(min = 0.001, max = 1) double std) {
        // A (2·out, numel/out) matrix: at least 576 nonzeros are left at sparsity 0.5.
        int rows = 2 * c.shape()[0];
        int cols = Shapes.numel("test", c.shape()) / c.shape()[0];
        Case matrix = new Case(new int[] {rows, cols}, c.dtype(), c.seed());
        double[] nonzero = Stats.nonzero(Init.sparse_(matrix.tensor(), sparsity, std, c.generator()).toDoubleArray());
        String what = matrix.describe("sparse_ " + sparsity);
        Stats.assertMeanAndStd(what, nonzero, 0, std, Stats.NORMAL_KURTOSIS);
    }

    // ------------------------------------------------------------------ Caffe and Keras

    @Property(tries = TRIES, seed = "1009")
    void caffeXavierIsUniformWithVarianceOneOverN(@ForAll("cases") Case c, @ForAll CaffeFiller.VarianceNorm norm) {
        CaffeFiller filler = CaffeFiller.xavier(norm);
        double bound = filler.bound(c.shape());
        double[] x = filler.fill(c.tensor(), c.generator()).toDoubleArray();
        String what = c.describe("caffe xavier " + norm);
        assertAllIn(what, x, -c.dtype().round(bound), c.dtype().round(bound), true);
        Stats.assertMeanAndStd(what, x, 0, Math.sqrt(1 / filler.n(c.shape())), Stats.UNIFORM_KURTOSIS);
    }

    @Property(tries = TRIES, seed = "1010")
    void caffeMsraIsNormalWithVarianceTwoOverN(@ForAll("cases") Case c, @ForAll CaffeFiller.VarianceNorm norm) {
        CaffeFiller filler = CaffeFiller.msra(norm);
        double[] x = filler.fill(c.tensor(), c.generator()).toDoubleArray();
        Stats.assertMeanAndStd(c.describe("caffe msra " + norm), x, 0, Math.sqrt(2 / filler.n(c.shape())),
                Stats.NORMAL_KURTOSIS);
    }

    @Property(tries = TRIES, seed = "1011")
    void varianceScalingValuesHaveStdRootSWhateverTheDistribution(@ForAll("cases") Case c,
            @ForAll @Scale(6) @DoubleRange(min = 0.1, max = 4) double scale, @ForAll VarianceScaling.Mode mode,
            @ForAll VarianceScaling.Distribution distribution) {
        VarianceScaling vs = new VarianceScaling(scale, mode, distribution);
        double[] x = vs.fill(c.tensor(), c.generator()).toDoubleArray();
        String what = c.describe(vs.toString());
        double kurtosis;
        switch (distribution) {
            case UNIFORM:
                double limit = vs.limit(c.shape());
                assertAllIn(what, x, -c.dtype().round(limit), c.dtype().round(limit), false);
                kurtosis = Stats.UNIFORM_KURTOSIS;
                break;
            case TRUNCATED_NORMAL:
                double cut = 2 * vs.stddev(c.shape());
                assertAllIn(what, x, -c.dtype().round(cut), c.dtype().round(cut), true);
                kurtosis = Stats.truncatedNormal(0, 1, -2, 2).kurtosis();
                break;
            default:
                kurtosis = Stats.NORMAL_KURTOSIS;
                break;
        }
        // The 0.8796 correction is what makes the truncated draws come out at √s, like the other two.
        Stats.assertMeanAndStd(what, x, 0, vs.resultingStd(c.shape()), kurtosis);
    }

    // ------------------------------------------------------------------ helpers

    /** Every value in [lo, hi] (closed) or [lo, hi) (half-open). */
    private static void assertAllIn(String what, double[] x, double lo, double hi, boolean closed) {
        for (double v : x) {
            boolean inside = v >= lo && (closed ? v <= hi : v < hi);
            assertTrue(inside, what + ": value " + v + " outside " + (closed ? "[" : "[") + lo + ", " + hi
                    + (closed ? "]" : ")"));
        }
    }

    private static UniformRealDistribution uniform(double lo, double hi) {
        return new UniformRealDistribution((RandomGenerator) null, lo, hi);
    }

    private static NormalDistribution normal(double mean, double std) {
        return new NormalDistribution((RandomGenerator) null, mean, std);
    }
}
