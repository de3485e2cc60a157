package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.tapegrad.autograd.Tensor;

/** The performance work's kernels against the simple definitions they replace: the branch-free ReLU. */
class FusedKernelsProperties {
    private static final double[] SPECIAL = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
        1e-310, -1e-310, 1.0, -1.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Float.MAX_VALUE, 3.4028235677973366e38, 1.401298464324817e-45, 7e-46};

    @Provide
    Arbitrary<double[]> values() {
        Arbitrary<Double> special = Arbitraries.integers().between(0, SPECIAL.length - 1).map(i -> SPECIAL[i]);
        Arbitrary<Double> ordinary = Arbitraries.doubles().between(-10, 10);
        Arbitrary<Double> anyBits = Arbitraries.longs().map(Double::longBitsToDouble).filter(v -> !Double.isNaN(v));
        Arbitrary<Double> one = Arbitraries.frequencyOf(Tuple.of(3, special), Tuple.of(5, ordinary),
                Tuple.of(2, anyBits));
        return one.array(double[].class).ofMinSize(1).ofMaxSize(5000);
    }

    @Property(tries = 40)
    void reluForwardIsMaxWithZeroAndItsGradientSelectsWherePositive(@ForAll("values") double[] x,
            @ForAll("values") double[] g) {
        int n = Math.min(x.length, g.length);
        Tensor input = Tensor.of(java.util.Arrays.copyOf(x, n), n).requiresGrad(true);
        Tensor y = input.relu();
        y.backward(Tensor.of(java.util.Arrays.copyOf(g, n), n));
        double[] out = y.toDoubleArray();
        double[] dx = input.grad().toDoubleArray();
        for (int i = 0; i < n; i++) {
            double expectedY = x[i] > 0 ? x[i] : 0.0;
            double expectedDx = x[i] > 0 ? g[i] : 0.0;
            assertEquals(Double.doubleToRawLongBits(expectedY), Double.doubleToRawLongBits(out[i]),
                    "relu(" + x[i] + ") = " + out[i]);
            assertEquals(Double.doubleToRawLongBits(expectedDx), Double.doubleToRawLongBits(dx[i]),
                    "relu'(" + x[i] + ") · " + g[i] + " = " + dx[i]);
        }
    }

}
