package org.tapegrad.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.tapegrad.autograd.testing.TensorArbitraries.awayFromKinks;
import static org.tapegrad.autograd.testing.TensorArbitraries.between;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensorsInAnyLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.testing.Tolerances;

/**
 * The elementwise functions: each output element is the function of its input element, and gradients
 * pass gradcheck on random shapes in every memory layout. relu, leakyRelu and abs see
 * inputs at least {@code KINK_MARGIN} from 0; log, sqrt and pow see positive inputs of at least
 * {@link #MIN_POSITIVE}.
 */
class PointwiseGradientProperties {
    /** Smallest input of log, sqrt and pow: their derivatives grow like 1/x there. */
    static final double MIN_POSITIVE = 0.2;

    private static final double MAX_VALUE = 3;

    @Property(tries = 40)
    void negNegatesAndGradchecks(@ForAll("anyValues") Tensor x) {
        assertElementwise(x, Tensor::neg, v -> -v);
    }

    @Property(tries = 40)
    void expGradchecks(@ForAll("anyValues") Tensor x) {
        assertElementwise(x, Tensor::exp, Math::exp);
    }

    @Property(tries = 40)
    void tanhGradchecks(@ForAll("anyValues") Tensor x) {
        assertElementwise(x, Tensor::tanh, Math::tanh);
    }

    @Property(tries = 40)
    void sigmoidGradchecks(@ForAll("anyValues") Tensor x) {
        assertElementwise(x, Tensor::sigmoid, v -> 1 / (1 + Math.exp(-v)));
    }

    @Property(tries = 40)
    void logGradchecksOnPositiveInputs(@ForAll("positiveValues") Tensor x) {
        assertElementwise(x, Tensor::log, Math::log);
    }

    @Property(tries = 40)
    void sqrtGradchecksOnPositiveInputs(@ForAll("positiveValues") Tensor x) {
        assertElementwise(x, Tensor::sqrt, Math::sqrt);
    }

    @Property(tries = 60)
    void powWithAScalarExponentGradchecksOnPositiveInputs(@ForAll("positiveValues") Tensor x,
            @ForAll("exponents") double exponent) {
        assertElementwise(x, t -> t.pow(exponent), v -> Math.pow(v, exponent));
    }

    @Property(tries = 40)
    void absGradchecksAwayFromZero(@ForAll("valuesAwayFromKinks") Tensor x) {
        assertElementwise(x, Tensor::abs, Math::abs);
    }

    @Property(tries = 40)
    void reluGradchecksAwayFromZero(@ForAll("valuesAwayFromKinks") Tensor x) {
        assertElementwise(x, Tensor::relu, v -> Math.max(v, 0));
    }

    @Property(tries = 40)
    void leakyReluGradchecksAwayFromZero(@ForAll("valuesAwayFromKinks") Tensor x, @ForAll("slopes") double slope) {
        assertElementwise(x, t -> t.leakyRelu(slope), v -> v > 0 ? v : slope * v);
    }

    @Provide
    Arbitrary<Tensor> anyValues() {
        return tensorsInAnyLayout(values());
    }

    @Provide
    Arbitrary<Tensor> positiveValues() {
        return tensorsInAnyLayout(between(MIN_POSITIVE, MAX_VALUE));
    }

    @Provide
    Arbitrary<Tensor> valuesAwayFromKinks() {
        return tensorsInAnyLayout(awayFromKinks());
    }

    @Provide
    Arbitrary<Double> exponents() {
        return Arbitraries.oneOf(Arbitraries.of(-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0), between(-3, 3));
    }

    @Provide
    Arbitrary<Double> slopes() {
        return Arbitraries.oneOf(Arbitraries.of(0.01, 0.2), between(-1, 1));
    }

    /** y = op(x) has x's shape, y_i = f(x_i) up to rounding, and op passes gradcheck. */
    private static void assertElementwise(Tensor x, UnaryOperator<Tensor> op, DoubleUnaryOperator f) {
        Tensor y = op.apply(x);
        assertArrayEquals(x.shape(), y.shape());
        double[] in = x.toDoubleArray();
        double[] expected = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            expected[i] = f.applyAsDouble(in[i]);
        }
        Tolerances.assertClose(expected, y.toDoubleArray(), 0, Tolerances.FLOAT64_TIGHT);
        Gradcheck.check(in2 -> op.apply(in2[0]), x);
    }
}
