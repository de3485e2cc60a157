package org.tapegrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;

class SGDProperties {
    /**
     * SGD computes {@code p − lr·g} with one rounding (a fused multiply-add), the plain expression with
     * two; they may differ by an ulp of the larger term.
     */
    private static final double ROUNDING = 4 * Math.ulp(1.0);
    /** Float32 SGD against the same update in double: a few float32 roundings per step. */
    private static final double FLOAT32_RELATIVE = 1e-5;

    /** A parameter vector, three gradients for it and a learning rate. */
    record Case(double[] param, double[][] grads, double lr) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> size = Arbitraries.integers().between(1, 6);
        return size.flatMap(n -> {
            Arbitrary<double[]> vector = Arbitraries.doubles().between(-10, 10).ofScale(6).array(double[].class).ofSize(n);
            return Combinators.combine(vector, vector.array(double[][].class).ofSize(3),
                    Arbitraries.doubles().between(0, 1).ofScale(6)).as(Case::new);
        });
    }

    /**
     * A float32 gradient held as floats (as a linear layer writes its weight's) gives the same steps, bit
     * for bit, as the same values held as doubles, with every option that reads the gradient.
     */
    @Property(tries = 100)
    void aGradientHeldAsFloatsGivesTheSameSteps(@ForAll("cases") Case c, @ForAll("momenta") double momentum,
            @ForAll boolean nesterov, @ForAll boolean maximize, @ForAll boolean decay) {
        int n = c.param().length;
        SGD.Options options = SGD.Options.builder().lr(c.lr()).momentum(momentum).nesterov(nesterov && momentum > 0)
                .maximize(maximize).weightDecay(decay ? 0.01 : 0).build();
        Tensor fromDoubles = Tensor.of(DType.FLOAT32, c.param(), n).requiresGrad(true);
        Tensor fromFloats = Tensor.of(DType.FLOAT32, c.param(), n).requiresGrad(true);
        SGD doubles = new SGD(List.of(fromDoubles), options);
        SGD floats = new SGD(List.of(fromFloats), options);
        for (double[] grad : c.grads()) {
            Tensor g = Tensor.of(DType.FLOAT32, grad, n);
            double[] values = g.toDoubleArray();
            float[] gradFloats = new float[n];
            for (int i = 0; i < n; i++) {
                gradFloats[i] = (float) values[i]; // exact: float32 values
            }
            fromDoubles.setGrad(g);
            fromFloats.setGrad(Tensor.wrapFloats(gradFloats, n));
            doubles.step();
            floats.step();
            assertArrayEquals(fromDoubles.toDoubleArray(), fromFloats.toDoubleArray(), 0.0);
        }
    }

    @Property(tries = 200)
    void withoutMomentumSgdIsPlainGradientDescent(@ForAll("cases") Case c) {
        int n = c.param().length;
        Tensor p = Tensor.of(c.param(), n).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), c.lr());
        double[] expected = c.param().clone();
        for (double[] grad : c.grads()) {
            p.setGrad(Tensor.of(grad, n));
            sgd.step();
            for (int i = 0; i < n; i++) {
                expected[i] = expected[i] - c.lr() * grad[i];
            }
            double[] actual = p.toDoubleArray();
            for (int i = 0; i < n; i++) {
                double scale = Math.abs(expected[i]) + Math.abs(c.lr() * grad[i]) + 1;
                assertEquals(expected[i], actual[i], ROUNDING * scale * 3);
            }
        }
    }

    @Property(tries = 100)
    void float32ParametersAreRoundedToFloat32AfterEveryStep(@ForAll("cases") Case c,
            @ForAll("momenta") double momentum, @ForAll boolean nesterov) {
        int n = c.param().length;
        Tensor p32 = Tensor.of(DType.FLOAT32, c.param(), n).requiresGrad(true);
        Tensor p64 = Tensor.of(DType.FLOAT64, p32.toDoubleArray(), n).requiresGrad(true);
        SGD.Options options = SGD.Options.builder().lr(c.lr()).momentum(momentum).nesterov(nesterov && momentum > 0)
                .weightDecay(0.01).build();
        SGD sgd32 = new SGD(List.of(p32), options);
        SGD sgd64 = new SGD(List.of(p64), options);
        for (double[] grad : c.grads()) {
            Tensor g32 = Tensor.of(DType.FLOAT32, grad, n);
            p32.setGrad(g32);
            p64.setGrad(g32.to(DType.FLOAT64));
            sgd32.step();
            sgd64.step();
            double[] a = p32.toDoubleArray();
            double[] b = p64.toDoubleArray();
            for (int i = 0; i < n; i++) {
                assertEquals((float) a[i], a[i], 0.0, "not a float32 value");
                assertEquals(b[i], a[i], FLOAT32_RELATIVE * (Math.abs(b[i]) + 10));
            }
        }
    }

    @Provide
    Arbitrary<Double> momenta() {
        return Arbitraries.of(0.0, 0.5, 0.9);
    }
}
