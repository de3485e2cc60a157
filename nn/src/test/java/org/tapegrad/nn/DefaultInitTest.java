package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;

/**
 * Default initialisation as PyTorch's {@code reset_parameters}: Linear and Conv2d weights and biases
 * U(−1/√fan_in, 1/√fan_in); BatchNorm γ = 1, β = 0, running_mean = 0, running_var = 1.
 *
 * <p>The statistical checks use a fixed seed and a z-score limit of {@value #Z}: for U(−b, b) the mean
 * has standard error b/√(3n) and the sample standard deviation b/√3 has relative standard error
 * √(0.2/n) (from the fourth moment b⁴/5), so with a random seed each check would fail with probability
 * below 6e-7 (two-sided normal tail at 5σ).
 */
class DefaultInitTest {
    private static final double Z = 5.0;

    private static void assertUniformWithin(double bound, Tensor t) {
        double[] v = t.toDoubleArray();
        int n = v.length;
        double sum = 0;
        double max = 0;
        for (double x : v) {
            assertTrue(x >= -bound && x <= bound, x + " outside [-" + bound + ", " + bound + "]");
            sum += x;
            max = Math.max(max, Math.abs(x));
        }
        double mean = sum / n;
        double squares = 0;
        for (double x : v) {
            squares += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(squares / (n - 1));
        double expectedStd = bound / Math.sqrt(3);
        assertEquals(0.0, mean, Z * bound / Math.sqrt(3.0 * n), "mean");
        assertEquals(expectedStd, std, Z * expectedStd * Math.sqrt(0.2 / n), "standard deviation");
    }

    @Test
    void linearWeightAndBiasAreUniformWithinOneOverSqrtFanIn() {
        Linear linear = Linear.builder(100, 400).generator(new Generator(1)).build();
        double bound = (float) (1 / Math.sqrt(100));

        assertUniformWithin(bound, linear.weight());
        assertUniformWithin(bound, linear.bias());
    }

    @Test
    void conv2dFanInCountsInputChannelsPerGroupTimesKernelArea() {
        Conv2d conv = Conv2d.builder(16, 32, 3).generator(new Generator(2)).build();
        assertUniformWithin((float) (1 / Math.sqrt(16 * 9)), conv.weight());

        Conv2d grouped = Conv2d.builder(32, 256, 3).groups(8).generator(new Generator(3)).build();
        assertArrayEquals(new int[] {256, 4, 3, 3}, grouped.weight().shape());
        assertUniformWithin((float) (1 / Math.sqrt(4 * 9)), grouped.weight());
        assertUniformWithin((float) (1 / Math.sqrt(4 * 9)), grouped.bias());
    }

    @Test
    void float64WeightsUseTheExactDoubleBoundOfKaimingUniform() {
        Linear linear = Linear.builder(30, 2000).dtype(DType.FLOAT64).generator(new Generator(4)).build();
        // SPEC §1.9: gain = √(2/(1 + a²)) with a = √5, std = gain/√fan_in, bound = √3·std.
        double a = Math.sqrt(5);
        double bound = Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + a * a)) / Math.sqrt(30));

        assertEquals(DType.FLOAT64, linear.weight().dtype());
        assertUniformWithin(bound, linear.weight());
    }

    @Test
    void theWeightIsDrawnBeforeTheBiasFromTheGivenGenerator() {
        Linear linear = Linear.builder(5, 3).generator(new Generator(7)).build();

        Generator g = new Generator(7);
        Tensor w = Init.kaimingUniform_(Tensor.empty(DType.FLOAT32, 3, 5), Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", g);
        Tensor b = Init.uniform_(Tensor.empty(DType.FLOAT32, 3), -1 / Math.sqrt(5), 1 / Math.sqrt(5), g);

        assertArrayEquals(w.toDoubleArray(), linear.weight().toDoubleArray(), 0.0);
        assertArrayEquals(b.toDoubleArray(), linear.bias().toDoubleArray(), 0.0);
    }

    @Test
    void withoutAGeneratorTheDefaultGeneratorIsUsed() {
        Generator.manualSeed(11);
        Conv2d first = new Conv2d(2, 3, 3);
        Generator.manualSeed(11);
        Conv2d second = new Conv2d(2, 3, 3);

        assertArrayEquals(first.weight().toDoubleArray(), second.weight().toDoubleArray(), 0.0);
        assertArrayEquals(first.bias().toDoubleArray(), second.bias().toDoubleArray(), 0.0);
    }

    @Test
    void resetParametersDrawsAgain() {
        Linear linear = Linear.builder(4, 4).generator(new Generator(5)).build();
        double[] before = linear.weight().toDoubleArray();

        linear.resetParameters(new Generator(5));
        assertArrayEquals(before, linear.weight().toDoubleArray(), 0.0);
        linear.resetParameters(new Generator(6));
        assertTrue(linear.weight().toDoubleArray()[0] != before[0]);
        assertTrue(linear.weight().requiresGrad() && linear.weight().isLeaf());
    }

    @Test
    void linearWithNoInputsHasAZeroBias() {
        Linear linear = new Linear(0, 3);
        assertArrayEquals(new double[3], linear.bias().toDoubleArray(), 0.0);
        assertArrayEquals(new int[] {3, 0}, linear.weight().shape());
    }

    @Test
    void batchNormStartsAsTheIdentityWithNeutralRunningStatistics() {
        BatchNorm2d bn = BatchNorm2d.builder(3).dtype(DType.FLOAT64).build();

        assertArrayEquals(new double[] {1, 1, 1}, bn.weight().toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0}, bn.bias().toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0}, bn.runningMean().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1}, bn.runningVar().toDoubleArray());
        assertEquals(0, bn.numBatchesTracked());
        assertEquals(DType.FLOAT64, bn.runningMean().dtype());
    }
}
