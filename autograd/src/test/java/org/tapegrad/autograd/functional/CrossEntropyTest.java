package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.functional.TestTensors.EXACT;
import static org.tapegrad.autograd.functional.TestTensors.FLOAT32;
import static org.tapegrad.autograd.functional.TestTensors.assertClose;
import static org.tapegrad.autograd.functional.TestTensors.assertThrowsWithMessage;
import static org.tapegrad.autograd.functional.TestTensors.assertValues;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Tensor;

/** Hand-computed losses and the error messages of {@link Functional#crossEntropy} and {@link Functional#nllLoss}. */
class CrossEntropyTest {
    private static final double LN2 = Math.log(2);

    private static Tensor targets(long... classes) {
        return Tensor.ofIndices(classes, classes.length);
    }

    @Test
    void equalLogitsCostLnTwoAndPullTowardTheTarget() {
        Tensor logits = Tensor.zeros(DType.FLOAT64, 1, 2).requiresGrad(true);
        Tensor loss = Functional.crossEntropy(logits, targets(0));
        assertValues(new double[] {LN2}, loss, EXACT);
        loss.backward();
        assertValues(new double[] {-0.5, 0.5}, logits.grad(), EXACT);
    }

    @Test
    void weightedMeanDividesBySumOfTheTargetsWeights() {
        Tensor logits = Tensor.zeros(DType.FLOAT64, 3, 2);
        Tensor weight = Tensor.of(new double[] {1, 3}, 2);
        Tensor t = targets(0, 1, 1);
        // per position: w[y]·ln 2 = ln2, 3 ln2, 3 ln2; D = 1 + 3 + 3
        assertValues(new double[] {LN2, 3 * LN2, 3 * LN2},
                Functional.crossEntropy(logits, t, weight, -100, Reduction.NONE, 0), EXACT);
        assertValues(new double[] {7 * LN2}, Functional.crossEntropy(logits, t, weight, -100, Reduction.SUM, 0), EXACT);
        assertValues(new double[] {LN2}, Functional.crossEntropy(logits, t, weight, -100, Reduction.MEAN, 0), EXACT);
    }

    @Test
    void ignoredTargetsDropOutOfTheLossTheDivisorAndTheGradient() {
        Tensor logits = Tensor.of(new double[] {0, 0, 5, -5}, 2, 2).requiresGrad(true);
        Tensor loss = Functional.crossEntropy(logits, targets(1, -100));
        assertValues(new double[] {LN2}, loss, EXACT);
        loss.backward();
        assertValues(new double[] {0.5, -0.5, 0, 0}, logits.grad(), EXACT);
    }

    @Test
    void anIgnoreIndexInsideTheClassRangeDropsEveryPositionOfThatClass() {
        Tensor logits = Tensor.of(new double[] {0, 0, 7, 1}, 2, 2);
        Tensor loss = Functional.crossEntropy(logits, targets(1, 0), null, 0, Reduction.SUM, 0);
        assertValues(new double[] {LN2}, loss, EXACT);
    }

    @Test
    void everyTargetIgnoredGivesNaNForTheMeanZeroForTheSumAndNoGradient() {
        Tensor logits = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor t = targets(-100, -100);
        Tensor mean = Functional.crossEntropy(logits, t);
        assertTrue(Double.isNaN(mean.item()));
        assertEquals(0.0, Functional.crossEntropy(logits, t, Reduction.SUM).item());
        mean.backward();
        assertValues(new double[6], logits.grad(), 0.0);
    }

    @Test
    void logitsOfMagnitudeAThousandAreStable() {
        Tensor logits = Tensor.of(new double[] {1000, -1000}, 1, 2).requiresGrad(true);
        Tensor loss = Functional.crossEntropy(logits, targets(1));
        assertValues(new double[] {2000}, loss, EXACT);
        loss.backward();
        assertValues(new double[] {1, -1}, logits.grad(), EXACT);
        assertValues(new double[] {0}, Functional.crossEntropy(logits.detach(), targets(0)), EXACT);
    }

    @Test
    void labelSmoothingBlendsTheTargetWithTheUniformDistribution() {
        Tensor logits = Tensor.of(new double[] {1, 0, 0, 0}, 1, 4).requiresGrad(true);
        double lse = Math.log(Math.E + 3);
        // nll = lse − 1; smooth = Σ_c −lp_c = 4·lse − 1; loss = 0.8·nll + (0.2/4)·smooth
        Tensor loss = Functional.crossEntropy(logits, targets(0), null, -100, Reduction.MEAN, 0.2);
        assertValues(new double[] {0.8 * (lse - 1) + 0.05 * (4 * lse - 1)}, loss, EXACT);
        loss.backward();
        // dx_c = p_c − t'_c with t' = 0.8·onehot + 0.05
        double p0 = Math.E / (Math.E + 3);
        double p = 1 / (Math.E + 3);
        assertValues(new double[] {p0 - 0.85, p - 0.05, p - 0.05, p - 0.05}, logits.grad(), EXACT);
    }

    @Test
    void theSeedsImageSizedLossReadsTheClassesAlongDimensionOne() {
        // (1, 3, 224, 224) logits, every target class 2: zero logits cost ln 3 everywhere
        Tensor logits = Tensor.zeros(DType.FLOAT64, 1, 3, 224, 224).requiresGrad(true);
        long[] twos = new long[224 * 224];
        Arrays.fill(twos, 2);
        Tensor loss = Functional.crossEntropy(logits, Tensor.ofIndices(twos, 1, 224, 224));
        assertValues(new double[] {Math.log(3)}, loss, EXACT);
        loss.backward();
        double m = 224 * 224;
        assertEquals(1 / 3.0 / m, logits.grad().get(0, 0, 17, 99), EXACT);
        assertEquals(1 / 3.0 / m, logits.grad().get(0, 1, 223, 0), EXACT);
        assertEquals((1 / 3.0 - 1) / m, logits.grad().get(0, 2, 5, 5), EXACT);
    }

    @Test
    void oneDimensionalLogitsTakeAZeroDimensionalTarget() {
        Tensor logits = Tensor.of(new double[] {0, 0}, 2);
        Tensor none = Functional.crossEntropy(logits, Tensor.ofIndices(new long[] {1}), Reduction.NONE);
        assertArrayEquals(new int[0], none.shape());
        assertEquals(LN2, none.item(), EXACT);
    }

    @Test
    void nllLossPicksTheNegatedWeightedLogProbabilityAtTheTarget() {
        Tensor lp = Tensor.of(new double[] {-1, -2, -3, -4, -5, -6}, 2, 3).requiresGrad(true);
        Tensor weight = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor loss = Functional.nllLoss(lp, targets(2, 1), weight, -100, Reduction.MEAN);
        // (3·3 + 2·5) / (3 + 2)
        assertValues(new double[] {19 / 5.0}, loss, EXACT);
        loss.backward();
        assertValues(new double[] {0, 0, -3 / 5.0, 0, -2 / 5.0, 0}, lp.grad(), EXACT);
        // unweighted: the plain mean of 1 and 5
        assertValues(new double[] {3}, Functional.nllLoss(lp.detach(), targets(0, 1)), EXACT);
    }

    @Test
    void probabilityTargetsAverageOverPositionsWhateverTheWeights() {
        Tensor logits = Tensor.zeros(DType.FLOAT64, 2, 2);
        Tensor probabilities = Tensor.of(new double[] {0.5, 0.5, 1, 0}, 2, 2);
        Tensor weight = Tensor.of(new double[] {2, 4}, 2);
        // l_0 = (2·0.5 + 4·0.5)·ln 2 = 3 ln2; l_1 = 2 ln2; mean over the 2 positions
        assertValues(new double[] {2.5 * LN2},
                Functional.crossEntropy(logits, probabilities, weight, -100, Reduction.MEAN, 0), EXACT);
    }

    @Test
    void float32LogitsGiveFloat32LossAndGradient() {
        Tensor logits = Tensor.randn(new Generator(1), DType.FLOAT32, 2, 3, 4, 4).requiresGrad(true);
        long[] t = new long[32];
        for (int i = 0; i < t.length; i++) {
            t[i] = i % 3;
        }
        Tensor target = Tensor.ofIndices(t, 2, 4, 4);
        Tensor loss = Functional.crossEntropy(logits, target);
        assertEquals(DType.FLOAT32, loss.dtype());
        loss.backward();
        assertEquals(DType.FLOAT32, logits.grad().dtype());
        assertClose(Functional.crossEntropy(logits.detach().to(DType.FLOAT64), target), loss, FLOAT32);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void aTargetClassOutOfRangeIsAnErrorNamingTheValueAndWhereItWasFound() {
        Tensor logits = Tensor.zeros(DType.FLOAT64, 2, 4, 3);
        Tensor target = Tensor.ofIndices(new long[] {0, 1, 2, 3, 7, 0}, 2, 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, target),
                "crossEntropy: Target 7 is out of bounds", "[0, 4)", "ignoreIndex -100", "target[1, 1]");
        Tensor negative = Tensor.ofIndices(new long[] {-1, 0}, 2);
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.nllLoss(Tensor.zeros(DType.FLOAT64, 2, 4), negative),
                "nllLoss: Target -1 is out of bounds", "target[0]");
    }

    @Test
    void aTargetThatIsNotAnIntegerIsAnError() {
        Tensor target = Tensor.of(new double[] {0, 1.5}, 2);
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT64, 2, 3), target),
                "crossEntropy: target must hold class indices (exact integers)", "target[1] is 1.5");
    }

    @Test
    void aTargetShapeThatDoesNotMatchTheLogitsIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT64, 2, 3, 4, 4), targets(0, 1)),
                "crossEntropy", "expected target of size [2, 4, 4]", "[2, 3, 4, 4]", "got target of size [2]");
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT64, 5, 4), targets(0, 1, 2, 3)),
                "crossEntropy", "expected target of size [5]", "got target of size [4]");
    }

    @Test
    void aWeightOfTheWrongLengthIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT64, 2, 4), targets(0, 1),
                        Tensor.ones(DType.FLOAT64, 3), -100, Reduction.MEAN, 0),
                "crossEntropy: weight tensor should be defined either for all 4 classes or no classes but got weight "
                        + "tensor of shape: [3]");
    }

    @Test
    void mixingFloat32AndFloat64IsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT32, 2, 4), targets(0, 1),
                        Tensor.ones(DType.FLOAT64, 4), -100, Reduction.MEAN, 0),
                "crossEntropy", "input and weight must have the same dtype", "float32 [2, 4]", "float64 [4]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT32, 2, 4), Tensor.zeros(DType.FLOAT64, 2, 4)),
                "crossEntropy", "input and target must have the same dtype");
    }

    @Test
    void labelSmoothingAboveOneIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT64, 2, 4), targets(0, 1), null, -100,
                        Reduction.MEAN, 1.5),
                "crossEntropy: label_smoothing must be between 0.0 and 1.0. Got: 1.5");
    }

    @Test
    void probabilityTargetsWithANonNegativeIgnoreIndexAreAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT64, 2, 4), Tensor.zeros(DType.FLOAT64, 2, 4),
                        null, 1, Reduction.MEAN, 0),
                "crossEntropy: ignore_index is not supported for floating point target", "ignoreIndex 1");
    }

    @Test
    void zeroDimensionalLogitsOrAMissingReductionAreErrors() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.crossEntropy(Tensor.scalar(1.0, DType.FLOAT64), Tensor.ofIndices(new long[] {0})),
                "crossEntropy", "but got a 0-d input");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(DType.FLOAT64, 2, 4), targets(0, 1), null),
                "crossEntropy: reduction must be NONE, MEAN or SUM");
    }
}
