package org.tapegrad.nn.theorems;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.Init;
import org.tapegrad.nn.BatchNorm2d;
import org.tapegrad.nn.Conv2d;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sequential;
import org.tapegrad.nn.theorems.TheoremSupport.Sums;

/**
 * A single zero-initialised layer is not dead: zero weights make its output 0, but its weight gradient is the
 * correlation of its input and its upstream gradient, which does not involve the weights at all. So with a
 * non-zero input and a non-zero upstream gradient the weight gradient is non-zero, and equal to that
 * correlation computed here by explicit loops. What kills the seed's network is what comes after the layer
 * (BatchNorm then ReLU at its kink), not the zeros themselves.
 *
 * <p>Tolerance: the loop reference and the library sum the same K products in different orders; both lie
 * within the recursive-summation bound of the exact sum ({@link TheoremSupport#summationBound}), per element.
 */
class ZeroLayerGradientProperties {

    /** A zero Linear(in, out) on (batch, in) inputs. This class is immutable. */
    record LinearCase(DType dtype, int batch, int in, int out, boolean bias, long seed) {
    }

    /** A stride-1 geometry: k×k kernel, zero padding p, h×w input, output at least 1×1. This class is immutable. */
    record Geometry(int kernel, int padding, int height, int width) {
        int outHeight() {
            return height + 2 * padding - kernel + 1;
        }

        int outWidth() {
            return width + 2 * padding - kernel + 1;
        }
    }

    /** A zero Conv2d(cin, cout, k, padding p) on (batch, cin, h, w) inputs. This class is immutable. */
    record ConvCase(DType dtype, int batch, int cin, int cout, Geometry geometry, boolean bias, long seed) {
    }

    @Provide
    Arbitrary<LinearCase> linearCases() {
        return Combinators.combine(TheoremSupport.dtypes(), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 6), Arbitraries.of(true, false),
                TheoremSupport.seeds()).as(LinearCase::new);
    }

    @Provide
    Arbitrary<Geometry> geometries() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(2, 6), Arbitraries.integers().between(2, 6)).as(Geometry::new)
                .filter(g -> g.outHeight() >= 1 && g.outWidth() >= 1);
    }

    @Provide
    Arbitrary<ConvCase> convCases() {
        return Combinators.combine(TheoremSupport.dtypes(), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4), geometries(),
                Arbitraries.of(true, false), TheoremSupport.seeds()).as(ConvCase::new);
    }

    /**
     * A conv case whose output channels are the classes of a cross entropy (at least 2), without bias as in the
     * seed. (A bias would make the logits non-zero; and before a BatchNorm, a per-channel constant b is not
     * normalised to exactly 0, because the batch mean of M copies of b is rounded, so the ReLU is no longer at
     * its kink.)
     */
    @Provide
    Arbitrary<ConvCase> classifierConvCases() {
        return Combinators.combine(TheoremSupport.dtypes(), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(2, 5), geometries(),
                Arbitraries.just(false), TheoremSupport.seeds()).as(ConvCase::new);
    }

    /** A classifier conv case with more than one value per output channel, as training BatchNorm needs. */
    @Provide
    Arbitrary<ConvCase> batchNormConvCases() {
        return classifierConvCases().filter(
                c -> c.batch() * c.geometry().outHeight() * c.geometry().outWidth() >= 2);
    }

    // ------------------------------------------------------------------ an explicit upstream gradient

    @Property(tries = 150)
    void singleZeroLinearReceivesTheCorrelationOfInputAndUpstreamGradient(@ForAll("linearCases") LinearCase c) {
        Generator gen = new Generator(c.seed());
        Linear layer = Linear.builder(c.in(), c.out()).bias(c.bias()).dtype(c.dtype()).generator(gen).build();
        Init.zeros_(layer.weight());
        Tensor x = TheoremSupport.nonZero(gen, c.dtype(), c.batch(), c.in());
        Tensor g = TheoremSupport.nonZero(gen, c.dtype(), c.batch(), c.out());

        layer.forward(x).backward(g);

        Sums expected = TheoremSupport.linearWeightGradient(x.toDoubleArray(), g.toDoubleArray(), c.batch(), c.in(),
                c.out());
        assertMatchesAndIsNonZero(c.dtype(), expected, layer.weight().grad());
    }

    @Property(tries = 150)
    void singleZeroConvReceivesTheCorrelationOfInputAndUpstreamGradient(@ForAll("convCases") ConvCase c) {
        Generator gen = new Generator(c.seed());
        Geometry geo = c.geometry();
        Conv2d conv = zeroConv(c, gen);
        Tensor x = TheoremSupport.nonZero(gen, c.dtype(), c.batch(), c.cin(), geo.height(), geo.width());
        Tensor g = TheoremSupport.nonZero(gen, c.dtype(), c.batch(), c.cout(), geo.outHeight(), geo.outWidth());

        conv.forward(x).backward(g);

        Sums expected = TheoremSupport.conv2dWeightGradient(x.toDoubleArray(), g.toDoubleArray(), c.batch(), c.cin(),
                geo.height(), geo.width(), c.cout(), geo.kernel(), geo.padding());
        assertMatchesAndIsNonZero(c.dtype(), expected, conv.weight().grad());
    }

    // ------------------------------------------------------------------ the gradient of a cross entropy

    /**
     * The seed's "zeros, conv2 alone" case: the model is the zero conv alone, its output the logits. They are
     * all 0, so softmax is exactly 1/C everywhere and the mean cross entropy's gradient at logit (n, o, y, x)
     * is G = (1/C − [o = label(n, y, x)])/M, M = N·H'·W' positions; the weight gradient is the correlation of
     * the input with G, non-zero (the golden case seedexp_zeros_single_conv shows the weight moving).
     */
    @Property(tries = 100)
    void zeroConvAloneUnderCrossEntropyReceivesTheCorrelationOfInputAndSoftmaxResidual(
            @ForAll("classifierConvCases") ConvCase c) {
        Generator gen = new Generator(c.seed());
        Geometry geo = c.geometry();
        Conv2d conv = zeroConv(c, gen);
        Tensor x = TheoremSupport.nonZero(gen, c.dtype(), c.batch(), c.cin(), geo.height(), geo.width());
        Tensor target = Tensor.randint(gen, 0, c.cout(), DType.FLOAT64, c.batch(), geo.outHeight(), geo.outWidth());

        new CrossEntropyLoss().forward(conv.forward(x), target).backward();

        double[] residual = softmaxResidualOfZeroLogits(target.toDoubleArray(), c.batch(), c.cout(),
                geo.outHeight() * geo.outWidth());
        Sums expected = TheoremSupport.conv2dWeightGradient(x.toDoubleArray(), residual, c.batch(), c.cin(),
                geo.height(), geo.width(), c.cout(), geo.kernel(), geo.padding());
        assertMatchesAndIsNonZero(c.dtype(), expected, conv.weight().grad());
    }

    /**
     * The same zero conv followed by BatchNorm2d and ReLU (one dead block): BatchNorm of a constant 0 is 0, the
     * ReLU sits at its kink and passes nothing back, so the conv's weight gradient is exactly zero even though
     * its input is not. This is where the seed's network dies.
     */
    @Property(tries = 100)
    void zeroConvFollowedByBatchNormAndReluReceivesExactlyZeroGradient(@ForAll("batchNormConvCases") ConvCase c) {
        Geometry geo = c.geometry();
        Generator gen = new Generator(c.seed());
        Conv2d conv = zeroConv(c, gen);
        BatchNorm2d bn = BatchNorm2d.builder(c.cout()).dtype(c.dtype()).build();
        Sequential block = new Sequential(conv, bn, new ReLU());
        Tensor x = TheoremSupport.nonZero(gen, c.dtype(), c.batch(), c.cin(), geo.height(), geo.width());
        Tensor target = Tensor.randint(gen, 0, c.cout(), DType.FLOAT64, c.batch(), geo.outHeight(), geo.outWidth());

        new CrossEntropyLoss().forward(block.forward(x), target).backward();

        List<String> violations = new ArrayList<>();
        TheoremSupport.requireAllZero(violations, "conv weight gradient", conv.weight().grad());
        TheoremSupport.requireAllZero(violations, "BatchNorm weight gradient", bn.weight().grad());
        TheoremSupport.requireAllZero(violations, "BatchNorm bias gradient", bn.bias().grad());
        assertTrue(violations.isEmpty(), () -> String.join("\n", violations));
    }

    // ------------------------------------------------------------------ helpers

    private static Conv2d zeroConv(ConvCase c, Generator gen) {
        Geometry geo = c.geometry();
        Conv2d conv = Conv2d.builder(c.cin(), c.cout(), geo.kernel()).padding(geo.padding()).bias(c.bias())
                .dtype(c.dtype()).generator(gen).build();
        Init.zeros_(conv.weight());
        return conv;
    }

    /** G[n, o, p] = (1/C − [o = target(n, p)])/M with M = batch·positions, row-major (batch, classes, positions). */
    private static double[] softmaxResidualOfZeroLogits(double[] target, int batch, int classes, int positions) {
        double m = (double) batch * positions;
        double[] residual = new double[batch * classes * positions];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < classes; o++) {
                for (int p = 0; p < positions; p++) {
                    double oneHot = target[n * positions + p] == o ? 1.0 : 0.0;
                    residual[(n * classes + o) * positions + p] = (1.0 / classes - oneHot) / m;
                }
            }
        }
        return residual;
    }

    /**
     * Every element of {@code actual} within {@link TheoremSupport#summationBound} of the loop reference,
     * and at least one element non-zero.
     */
    private static void assertMatchesAndIsNonZero(DType dtype, Sums expected, Tensor actual) {
        assertNotNull(actual, "no weight gradient");
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            double bound = TheoremSupport.summationBound(dtype, expected.terms(), expected.absolute()[i]);
            if (!(Math.abs(a[i] - expected.value()[i]) <= bound)) {
                fail("weight gradient element " + i + ": expected " + expected.value()[i] + " ± " + bound + ", got "
                        + a[i]);
            }
        }
        assertNotEquals(-1, TheoremSupport.firstNonZero(actual), "the weight gradient is all zero");
    }
}
