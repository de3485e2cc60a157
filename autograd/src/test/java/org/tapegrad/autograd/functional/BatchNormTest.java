package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.tapegrad.autograd.functional.TestTensors.EXACT;
import static org.tapegrad.autograd.functional.TestTensors.FLOAT32;
import static org.tapegrad.autograd.functional.TestTensors.assertClose;
import static org.tapegrad.autograd.functional.TestTensors.assertThrowsWithMessage;
import static org.tapegrad.autograd.functional.TestTensors.assertValues;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Tensor;

/** Hand-computed batch norms, the running statistics, and the error messages of {@link Functional#batchNorm}. */
class BatchNormTest {
    private static final double EPS = 1e-5;

    private static Tensor vector(double... values) {
        return Tensor.of(values, values.length);
    }

    @Test
    void twoValuesNormaliseToPlusAndMinusOneScaledAndShifted() {
        // one channel holding 1 and 3: mean 2, biased variance 1, unbiased variance 2
        Tensor x = Tensor.of(new double[] {1, 3}, 2, 1);
        Tensor rm = vector(0);
        Tensor rv = vector(1);
        Tensor y = Functional.batchNorm(x, rm, rv, vector(2), vector(0.5), true, 0.1, EPS);
        double s = 2 / Math.sqrt(1 + EPS);
        assertValues(new double[] {0.5 - s, 0.5 + s}, y, EXACT);
        assertValues(new double[] {0.9 * 0 + 0.1 * 2}, rm, EXACT);
        assertValues(new double[] {0.9 * 1 + 0.1 * 2}, rv, EXACT);
    }

    @Test
    void backwardGoesThroughTheBatchStatistics() {
        // y = (x − μ)/σ without eps for two values is ±1 whatever x is, so dy/dx vanishes, up to eps
        Tensor x = Tensor.of(new double[] {1, 3}, 2, 1).requiresGrad(true);
        Tensor w = vector(2).requiresGrad(true);
        Tensor b = vector(0.5).requiresGrad(true);
        Functional.batchNorm(x, null, null, w, b, true, 0.1, EPS).backward(Tensor.of(new double[] {1, 5}, 2, 1));
        // dγ = Σ g·x̂ = (−1 + 5)/√(1 + eps); dβ = Σ g = 6
        assertValues(new double[] {4 / Math.sqrt(1 + EPS)}, w.grad(), EXACT);
        assertValues(new double[] {6}, b.grad(), EXACT);
        // dx = γ·invstd·(g − mean g − x̂·mean(g·x̂)), with x̂ = ±1/√(1+eps)
        double invstd = 1 / Math.sqrt(1 + EPS);
        double xhat = invstd;
        double meanGXhat = (-1 * xhat + 5 * xhat) / 2;
        assertValues(new double[] {2 * invstd * (1 - 3 + xhat * meanGXhat), 2 * invstd * (5 - 3 - xhat * meanGXhat)},
                x.grad(), EXACT);
    }

    @Test
    void cumulativeAverageFactorOneOverBatchesTrackedAveragesTheBatchStatistics() {
        // nn.BatchNorm2d(momentum=None) passes f = 1/numBatchesTracked: 1, then 1/2
        Tensor rm = vector(0);
        Tensor rv = vector(1);
        Tensor first = Tensor.of(new double[] {1, 3}, 2, 1); // mean 2, unbiased variance 2
        Tensor second = Tensor.of(new double[] {4, 10}, 2, 1); // mean 7, unbiased variance 18
        Functional.batchNorm(first, rm, rv, null, null, true, 1.0, EPS);
        assertValues(new double[] {2}, rm, EXACT);
        assertValues(new double[] {2}, rv, EXACT);
        Functional.batchNorm(second, rm, rv, null, null, true, 1.0 / 2, EPS);
        assertValues(new double[] {(2 + 7) / 2.0}, rm, EXACT);
        assertValues(new double[] {(2 + 18) / 2.0}, rv, EXACT);
    }

    @Test
    void theRunningStatisticsAreUpdatedInPlaceAndTheirVersionIsBumped() {
        Tensor rm = vector(0, 0);
        Tensor rv = vector(1, 1);
        Tensor scale = Tensor.ones(DType.FLOAT64, 2).requiresGrad(true);
        Tensor product = scale.mul(rm); // saves rm for scale's gradient
        Functional.batchNorm(Tensor.randn(new Generator(1), DType.FLOAT64, 4, 2, 3), rm, rv, null, null, true, 0.1,
                EPS);
        assertThrowsWithMessage(IllegalStateException.class, () -> product.sum().backward(),
                "modified by an in-place operation");
    }

    @Test
    void runningStatisticsNeverJoinTheTapeEvenWhenRecording() {
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT64, 3, 2, 2, 2).requiresGrad(true);
        Tensor rm = vector(0, 0);
        Tensor rv = vector(1, 1);
        Functional.batchNorm(x, rm, rv, null, null, true, 0.1, EPS).mul(x).sum().backward();
        assertFalse(rm.requiresGrad());
        assertNull(rm.gradFn());
        assertNull(rv.grad());
    }

    @Test
    void trainingUnderNoGradStillUpdatesTheRunningStatistics() {
        Tensor rm = vector(0);
        Tensor rv = vector(1);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            Functional.batchNorm(Tensor.of(new double[] {1, 3}, 2, 1), rm, rv, null, null, true, 0.1, EPS);
        }
        assertValues(new double[] {0.2}, rm, EXACT);
    }

    @Test
    void evalWithoutRunningStatisticsUsesTheBatchStatistics() {
        Tensor x = Tensor.randn(new Generator(3), DType.FLOAT64, 4, 3, 2, 2);
        assertClose(Functional.batchNorm(x, null, null, null, null, true),
                Functional.batchNorm(x, null, null, null, null, false), 0.0);
    }

    @Test
    void evalAcceptsASingleValuePerChannel() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 1, 3, 1, 1);
        Tensor y = Functional.batchNorm(x, vector(1, 1, 1), vector(4, 4, 4), null, null, false);
        assertValues(new double[] {0, 1 / Math.sqrt(4 + EPS), 2 / Math.sqrt(4 + EPS)}, y, EXACT);
    }

    @Test
    void float32InputsGiveFloat32OutputsGradientsAndRunningStatistics() {
        Generator gen = new Generator(4);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 4, 3, 5, 5).requiresGrad(true);
        Tensor w = Tensor.ones(DType.FLOAT32, 3).requiresGrad(true);
        Tensor b = Tensor.zeros(DType.FLOAT32, 3).requiresGrad(true);
        Tensor rm = Tensor.zeros(DType.FLOAT32, 3);
        Tensor rv = Tensor.ones(DType.FLOAT32, 3);
        Tensor y = Functional.batchNorm(x, rm, rv, w, b, true);
        assertEquals(DType.FLOAT32, y.dtype());
        y.backward(Tensor.randn(gen, DType.FLOAT32, 4, 3, 5, 5));
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertEquals(DType.FLOAT32, w.grad().dtype());
        assertEquals(DType.FLOAT32, rm.dtype());
        Tensor y64 = Functional.batchNorm(x.detach().to(DType.FLOAT64), null, null, null, null, true);
        assertClose(y64, y, FLOAT32);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void trainingWithOneValuePerChannelIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.zeros(DType.FLOAT64, 1, 3, 1, 1), vector(0, 0, 0), vector(1, 1, 1),
                        null, null, true),
                "batchNorm: Expected more than 1 value per channel when training, got input size [1, 3, 1, 1]");
    }

    @Test
    void statisticsWeightOrBiasOfTheWrongLengthIsAnError() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3, 4, 4);
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.batchNorm(x, vector(0, 0), vector(1, 1, 1), null, null, true),
                "batchNorm", "expected runningMean of size [3]", "[2, 3, 4, 4]", "got runningMean of size [2]");
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.batchNorm(x, vector(0, 0, 0), vector(1, 1, 1, 1), null, null, true),
                "batchNorm", "expected runningVar of size [3]", "got runningVar of size [4]");
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.batchNorm(x, null, null, vector(1, 1), null, true),
                "batchNorm", "expected weight of size [3]", "got weight of size [2]");
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.batchNorm(x, null, null, null, Tensor.zeros(DType.FLOAT64, 3, 1), true),
                "batchNorm", "expected bias of size [3]", "got bias of size [3, 1]");
    }

    @Test
    void onlyOneRunningStatisticIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.zeros(DType.FLOAT64, 2, 3), vector(0, 0, 0), null, null, null, true),
                "batchNorm", "runningMean and runningVar must both be given or both be null", "runningVar null");
    }

    @Test
    void mixingFloat32AndFloat64IsAnError() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3, 4, 4);
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.batchNorm(x, null, null, vector(1, 1, 1), null, true),
                "batchNorm", "input and weight must have the same dtype", "float32 [2, 3, 4, 4]", "float64 [3]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.batchNorm(x, vector(0, 0, 0), vector(1, 1, 1), null, null, true),
                "batchNorm", "input and runningMean must have the same dtype");
    }

    @Test
    void inputWithoutAChannelDimensionIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.batchNorm(Tensor.zeros(DType.FLOAT64, 5), null, null, null, null, true),
                "batchNorm", "at least 2 dimensions (N, C, …)", "[5]");
    }

    @Test
    void nonPositiveEpsIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.zeros(DType.FLOAT64, 2, 3), null, null, null, null, true, 0.1, 0.0),
                "batchNorm", "eps must be positive, but got 0.0");
    }
}
