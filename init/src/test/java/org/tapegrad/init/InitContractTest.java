package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;

/** What every initialiser promises: in place, no tape, views, dtype rounding, seeds, degenerate shapes. */
class InitContractTest {

    /** Every initialiser that accepts a (6, 4, 3) weight, with a fixed generator. */
    private static List<UnaryOperator<Tensor>> initialisers() {
        return List.of(
                t -> Init.uniform_(t, -1, 1, new Generator(1)),
                t -> Init.normal_(t, 0, 1, new Generator(1)),
                t -> Init.truncNormal_(t, 0, 1, -2, 2, new Generator(1)),
                t -> Init.constant_(t, 0.5),
                t -> Init.zeros_(t),
                t -> Init.ones_(t),
                t -> Init.dirac_(t),
                t -> Init.xavierUniform_(t, 1, new Generator(1)),
                t -> Init.xavierNormal_(t, 1, new Generator(1)),
                t -> Init.kaimingUniform_(t, 0, FanMode.FAN_IN, "relu", new Generator(1)),
                t -> Init.kaimingNormal_(t, 0, FanMode.FAN_OUT, "tanh", new Generator(1)),
                t -> Init.orthogonal_(t, 1, new Generator(1)),
                t -> CaffeFiller.xavier().fill(t, new Generator(1)),
                t -> CaffeFiller.msra().fill(t, new Generator(1)),
                t -> VarianceScaling.heNormal().fill(t, new Generator(1)));
    }

    @Test
    void everyInitialiserFillsInPlaceAndReturnsItsTensor() {
        for (UnaryOperator<Tensor> init : initialisers()) {
            Tensor t = Tensor.full(99.0, DType.FLOAT64, 6, 4, 3);
            assertSame(t, init.apply(t));
            for (double v : t.toDoubleArray()) {
                assertTrue(v != 99.0, "a value was left unwritten");
            }
        }
    }

    @Test
    void leafThatRequiresGradIsFilledWithoutBeingRecorded() {
        for (UnaryOperator<Tensor> init : initialisers()) {
            Tensor w = Tensor.zeros(DType.FLOAT64, 6, 4, 3).requiresGrad(true);
            init.apply(w);
            assertTrue(w.isLeaf());
            assertTrue(w.requiresGrad());
            assertNull(w.gradFn());
            assertTrue(GradMode.isEnabled(), "grad mode must be restored");
        }
    }

    @Test
    void gradientOfAnInitialisedLeafFlowsOnlyThroughLaterOps() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 3, 4).requiresGrad(true);
        Init.kaimingUniform_(w, 0, FanMode.FAN_IN, "relu", new Generator(5));
        w.mul(3.0).sum().backward();
        assertArrayEquals(Tensor.full(3.0, DType.FLOAT64, 3, 4).toDoubleArray(), w.grad().toDoubleArray(), 0.0);
    }

    @Test
    void initialisersWriteThroughAView() {
        Tensor base = Tensor.full(7.0, DType.FLOAT64, 4, 6);
        Init.eye_(base.narrow(1, 1, 4));
        double[][] expected = {
            {7, 1, 0, 0, 0, 7},
            {7, 0, 1, 0, 0, 7},
            {7, 0, 0, 1, 0, 7},
            {7, 0, 0, 0, 1, 7},
        };
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(expected[i][j], base.get(i, j), 0.0, "[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void transposedViewUsesTheFansOfTheViewsShape() {
        Tensor base = Tensor.zeros(DType.FLOAT64, 300, 20);
        // The view is (20, 300): fan_in 300, so bound √3·√2/√300 = √(6/300).
        Init.kaimingUniform_(base.t(), 0, FanMode.FAN_IN, "relu", new Generator(3));
        double bound = Math.sqrt(3.0) * (Math.sqrt(2.0) / Math.sqrt(300));
        double max = 0;
        for (double v : base.toDoubleArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max < bound && max > 0.9 * bound, "max |w| " + max + " vs bound " + bound);
    }

    @Test
    void float32ValuesAreRoundedToFloat() {
        for (UnaryOperator<Tensor> init : initialisers()) {
            for (double v : init.apply(Tensor.zeros(DType.FLOAT32, 6, 4, 3)).toDoubleArray()) {
                assertEquals((double) (float) v, v, 0.0);
            }
        }
        assertEquals((double) 0.1f, Init.constant_(Tensor.zeros(DType.FLOAT32, 2), 0.1).get(0), 0.0);
    }

    @Test
    void theSameSeedGivesTheSameValuesAndAnotherSeedOthers() {
        for (long seed : new long[] {1, 2}) {
            Tensor a = Init.sparse_(Tensor.zeros(DType.FLOAT64, 8, 5), 0.5, 1.0, new Generator(seed));
            Tensor b = Init.sparse_(Tensor.zeros(DType.FLOAT64, 8, 5), 0.5, 1.0, new Generator(seed));
            assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0);
        }
        Tensor one = Init.normal_(Tensor.zeros(DType.FLOAT64, 10), 0, 1, new Generator(1));
        Tensor two = Init.normal_(Tensor.zeros(DType.FLOAT64, 10), 0, 1, new Generator(2));
        assertFalse(java.util.Arrays.equals(one.toDoubleArray(), two.toDoubleArray()));
    }

    @Test
    void overloadsWithoutAGeneratorDrawFromTheDefaultGenerator() {
        List<UnaryOperator<Tensor>> implicit = List.of(
                t -> Init.uniform_(t), t -> Init.normal_(t), t -> Init.truncNormal_(t),
                t -> Init.xavierUniform_(t), t -> Init.xavierNormal_(t),
                t -> Init.kaimingUniform_(t), t -> Init.kaimingNormal_(t),
                t -> Init.orthogonal_(t), t -> Init.sparse_(t, 0.3),
                t -> CaffeFiller.msra().fill(t), t -> VarianceScaling.glorotUniform().fill(t));
        List<UnaryOperator<Tensor>> explicit = List.of(
                t -> Init.uniform_(t, 0, 1, Generator.defaultGenerator()),
                t -> Init.normal_(t, 0, 1, Generator.defaultGenerator()),
                t -> Init.truncNormal_(t, 0, 1, -2, 2, Generator.defaultGenerator()),
                t -> Init.xavierUniform_(t, 1, Generator.defaultGenerator()),
                t -> Init.xavierNormal_(t, 1, Generator.defaultGenerator()),
                t -> Init.kaimingUniform_(t, 0, FanMode.FAN_IN, "leaky_relu", Generator.defaultGenerator()),
                t -> Init.kaimingNormal_(t, 0, FanMode.FAN_IN, "leaky_relu", Generator.defaultGenerator()),
                t -> Init.orthogonal_(t, 1, Generator.defaultGenerator()),
                t -> Init.sparse_(t, 0.3, 0.01, Generator.defaultGenerator()),
                t -> CaffeFiller.msra().fill(t, Generator.defaultGenerator()),
                t -> VarianceScaling.glorotUniform().fill(t, Generator.defaultGenerator()));
        for (int i = 0; i < implicit.size(); i++) {
            Generator.manualSeed(42);
            double[] a = implicit.get(i).apply(Tensor.zeros(DType.FLOAT64, 5, 7)).toDoubleArray();
            Generator.manualSeed(42);
            double[] b = explicit.get(i).apply(Tensor.zeros(DType.FLOAT64, 5, 7)).toDoubleArray();
            assertArrayEquals(b, a, 0.0, "overload " + i);
        }
    }

    @Test
    void pytorchDefaultsAreUsedByTheShortOverloads() {
        Generator.manualSeed(7);
        double[] u = Init.uniform_(Tensor.zeros(DType.FLOAT64, 1000)).toDoubleArray();
        for (double v : u) {
            assertTrue(v >= 0 && v < 1, "uniform_ default range [0, 1): " + v);
        }
        Generator.manualSeed(7);
        for (double v : Init.truncNormal_(Tensor.zeros(DType.FLOAT64, 1000)).toDoubleArray()) {
            assertTrue(v >= -2 && v <= 2, "truncNormal_ default cut at absolute ±2: " + v);
        }
    }

    @Test
    void truncNormalDefaultsGiveTheStdOfAUnitNormalCutAtTwo() {
        // trunc_normal_ does not correct for the cut: the std is 0.8796…, not 1 (see Stats for the tolerance).
        double[] x = Init.truncNormal_(Tensor.zeros(DType.FLOAT64, 20000), 0, 1, -2, 2, new Generator(11))
                .toDoubleArray();
        Stats.Moments m = Stats.truncatedNormal(0, 1, -2, 2);
        assertEquals(VarianceScaling.TRUNCATED_STD_OF_UNIT_NORMAL, m.std(), 1e-15);
        Stats.assertMeanAndStd("truncNormal_ defaults", x, 0, m.std(), m.kurtosis());
    }

    @Test
    void truncNormalBoundsAreAbsoluteSoSmallStdIsEffectivelyUntruncated() {
        double[] x = Init.truncNormal_(Tensor.zeros(DType.FLOAT64, 20000), 0, 0.02, -2, 2, new Generator(12))
                .toDoubleArray();
        Stats.assertMeanAndStd("truncNormal_ std 0.02", x, 0, 0.02, Stats.NORMAL_KURTOSIS);
    }

    @Test
    void uniformNeverReturnsItsUpperEndEvenWhenRoundingWouldReachIt() {
        double a = 1.0;
        double b = Math.nextUp(1.0f);
        for (double v : Init.uniform_(Tensor.zeros(DType.FLOAT32, 10000), a, b, new Generator(4)).toDoubleArray()) {
            assertEquals(1.0, v, 0.0);
        }
    }

    @Test
    void uniformWithEqualEndsFillsThatValue() {
        for (double v : Init.uniform_(Tensor.zeros(DType.FLOAT64, 10), 2.5, 2.5, new Generator(4)).toDoubleArray()) {
            assertEquals(2.5, v, 0.0);
        }
    }

    @Test
    void normalWithZeroStdFillsTheMean() {
        for (double v : Init.normal_(Tensor.zeros(DType.FLOAT64, 10), -1.5, 0, new Generator(4)).toDoubleArray()) {
            assertEquals(-1.5, v, 0.0);
        }
    }

    @Test
    void kaimingOnAZeroElementTensorIsANoOpEvenWhenOneDimensional() {
        // PyTorch checks for a 0 in the shape before computing fans.
        Tensor empty1d = Tensor.zeros(0);
        assertSame(empty1d, Init.kaimingUniform_(empty1d));
        Tensor empty2d = Tensor.zeros(0, 5);
        assertSame(empty2d, Init.kaimingNormal_(empty2d));
    }

    @Test
    void plainInitialisersAcceptZeroDimensionalAndEmptyTensors() {
        Tensor scalar = Tensor.scalar(0.0, DType.FLOAT64);
        assertEquals(4.0, Init.constant_(scalar, 4.0).item(), 0.0);
        double u = Init.uniform_(scalar, 3, 4, new Generator(1)).item();
        assertTrue(u >= 3 && u < 4);
        Init.normal_(scalar, 0, 1, new Generator(1));
        Init.truncNormal_(scalar, 0, 1, -1, 1, new Generator(1));
        Tensor empty = Tensor.zeros(0, 3);
        assertSame(empty, Init.uniform_(empty, 0, 1, new Generator(1)));
        assertSame(empty, Init.normal_(empty, 0, 1, new Generator(1)));
        assertSame(empty, Init.truncNormal_(empty, 0, 1, -1, 1, new Generator(1)));
        assertSame(empty, Init.ones_(empty));
        assertSame(empty, Init.eye_(empty));
        assertSame(empty, Init.sparse_(empty, 0.5));
    }

    @Test
    void constantsFillEveryElement() {
        assertArrayEquals(new double[] {1, 1, 1, 1}, Init.ones_(Tensor.zeros(DType.FLOAT64, 2, 2)).toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0}, Init.zeros_(Tensor.ones(DType.FLOAT64, 3)).toDoubleArray());
        assertArrayEquals(new double[] {-2.5, -2.5}, Init.constant_(Tensor.zeros(DType.FLOAT64, 2), -2.5)
                .toDoubleArray());
    }

    @Test
    void diracWithGroupsAndEvenKernelUsesTheUpperMiddleIndex() {
        // (4, 1, 2) with groups 2: opg = 2, min(opg, 1) = 1; channels 0 and 2 get a 1 at index 2 // 2 = 1.
        double[] w = Init.dirac_(Tensor.zeros(DType.FLOAT64, 4, 1, 2), 2).toDoubleArray();
        assertArrayEquals(new double[] {0, 1, 0, 0, 0, 1, 0, 0}, w, 0.0);
    }
}
