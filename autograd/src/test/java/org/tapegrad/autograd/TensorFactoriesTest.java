package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The factories: values, shapes and dtypes as in PyTorch; random ones reproducible from a seeded
 * {@link Generator}, with {@link Generator#manualSeed} resetting the default generator.
 */
class TensorFactoriesTest {
    private static final long SEED = 1234;
    /** Enough uniform draws that each of the values in a small randint range must occur (P(miss) < 1e-40). */
    private static final int MANY = 2000;

    @Test
    void zerosOnesAndFullFillEveryElementAndDefaultToFloat32() {
        assertArrayEquals(new double[6], Tensor.zeros(2, 3).toDoubleArray());
        assertEquals(DType.FLOAT32, Tensor.zeros(2, 3).dtype());
        assertArrayEquals(new double[] {1, 1, 1, 1}, Tensor.ones(DType.FLOAT64, 2, 2).toDoubleArray());
        assertEquals(DType.FLOAT32, Tensor.ones(4).dtype());
        Tensor f = Tensor.full(2.5, DType.FLOAT64, 3);
        assertArrayEquals(new double[] {2.5, 2.5, 2.5}, f.toDoubleArray());
        assertArrayEquals(new double[] {(float) 0.1}, Tensor.full(0.1, DType.FLOAT32, 1).toDoubleArray());
        assertFalse(f.requiresGrad());
    }

    @Test
    void likesCopyShapeAndDtype() {
        Tensor x = Tensor.full(7, DType.FLOAT64, 2, 3);
        for (Tensor like : new Tensor[] {x.zerosLike(), x.onesLike(), x.emptyLike()}) {
            assertArrayEquals(new int[] {2, 3}, like.shape());
            assertEquals(DType.FLOAT64, like.dtype());
            assertFalse(like.sharesStorageWith(x));
        }
        assertArrayEquals(new double[6], x.zerosLike().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, x.onesLike().toDoubleArray());
    }

    @Test
    void arangeCountsUpToButExcludingTheEnd() {
        assertArrayEquals(new double[] {0, 1, 2, 3}, Tensor.arange(4).toDoubleArray());
        assertEquals(DType.FLOAT32, Tensor.arange(4).dtype());
        assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, Tensor.arange(1, 3, 0.5, DType.FLOAT64).toDoubleArray());
        assertArrayEquals(new double[] {5, 3, 1}, Tensor.arange(5, 0, -2, DType.FLOAT64).toDoubleArray());
        assertArrayEquals(new int[] {0}, Tensor.arange(0).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.arange(0, 5, -1, DType.FLOAT64));
        assertTrue(e.getMessage().startsWith("arange:") && e.getMessage().contains("step -1.0"), e.getMessage());
    }

    @Test
    void ofCopiesTheArrayAndSetsTheDtype() {
        double[] data = {1, 2, 3, 4};
        Tensor d = Tensor.of(data, 2, 2);
        data[0] = 99;
        assertEquals(1.0, d.get(0, 0));
        assertEquals(DType.FLOAT64, d.dtype());
        Tensor f = Tensor.of(new float[] {0.1f, 0.2f}, 2);
        assertEquals(DType.FLOAT32, f.dtype());
        assertEquals((double) 0.1f, f.get(0));
        assertEquals((double) (float) 0.1, Tensor.of(DType.FLOAT32, new double[] {0.1}, 1).get(0));
        ShapeException e = assertThrows(ShapeException.class, () -> Tensor.of(new double[] {1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("3 values") && e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test
    void eyeHasOnesOnTheMainDiagonal() {
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3, DType.FLOAT64).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, Tensor.eye(2, 3, DType.FLOAT32).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 0, 1, 0, 0}, Tensor.eye(3, 2, DType.FLOAT64).toDoubleArray());
    }

    @Test
    void randnWithEqualSeedsIsReproducibleAndDifferentSeedsDiffer() {
        Tensor a = Tensor.randn(new Generator(SEED), DType.FLOAT64, 4, 5);
        Tensor b = Tensor.randn(new Generator(SEED), DType.FLOAT64, 4, 5);
        Tensor c = Tensor.randn(new Generator(SEED + 1), DType.FLOAT64, 4, 5);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        assertFalse(Arrays.equals(a.toDoubleArray(), c.toDoubleArray()));
        Tensor f = Tensor.randn(new Generator(SEED), DType.FLOAT32, 4, 5);
        for (int i = 0; i < 20; i++) {
            assertEquals((float) a.toDoubleArray()[i], f.toDoubleArray()[i]);
        }
    }

    @Test
    void randIsUniformInTheHalfOpenUnitInterval() {
        for (DType type : DType.values()) {
            double[] v = Tensor.rand(new Generator(SEED), type, MANY).toDoubleArray();
            double min = Arrays.stream(v).min().orElseThrow();
            double max = Arrays.stream(v).max().orElseThrow();
            assertTrue(min >= 0 && max < 1, "range [" + min + ", " + max + "]");
            assertTrue(min < 0.01 && max > 0.99, "draws should fill the interval");
        }
        assertArrayEquals(Tensor.rand(new Generator(SEED), DType.FLOAT64, 7).toDoubleArray(),
                Tensor.rand(new Generator(SEED), DType.FLOAT64, 7).toDoubleArray());
    }

    @Test
    void randintDrawsIntegersFromLowInclusiveToHighExclusive() {
        double[] v = Tensor.randint(new Generator(SEED), -2, 3, DType.FLOAT64, MANY).toDoubleArray();
        boolean[] seen = new boolean[5];
        for (double x : v) {
            assertEquals(Math.rint(x), x);
            assertTrue(x >= -2 && x < 3, "value " + x);
            seen[(int) x + 2] = true;
        }
        assertArrayEquals(new boolean[] {true, true, true, true, true}, seen);
        assertArrayEquals(v, Tensor.randint(new Generator(SEED), -2, 3, DType.FLOAT64, MANY).toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.randint(new Generator(SEED), 3, 3, DType.FLOAT64, 2));
        assertTrue(e.getMessage().contains("low = 3") && e.getMessage().contains("high = 3"), e.getMessage());
    }

    @Test
    void manualSeedResetsTheDefaultGenerator() {
        Generator.manualSeed(SEED);
        double[] first = Tensor.randn(3).toDoubleArray();
        double[] firstUniform = Tensor.rand(2).toDoubleArray();
        Tensor.randn(5); // an odd number of normal draws in between
        Generator.manualSeed(SEED);
        assertArrayEquals(first, Tensor.randn(3).toDoubleArray());
        assertArrayEquals(firstUniform, Tensor.rand(2).toDoubleArray());
        assertEquals(SEED, Generator.defaultGenerator().initialSeed());
        Generator.manualSeed(SEED + 1);
        assertNotEquals(first[0], Tensor.randn(3).toDoubleArray()[0]);
    }

    @Test
    void reseedingAGeneratorRepeatsItsStreamEvenAfterAnOddNumberOfNormalDraws() {
        Generator g = new Generator(SEED);
        double[] first = Tensor.randn(g, DType.FLOAT64, 3).toDoubleArray();
        g.seed(SEED);
        assertArrayEquals(first, Tensor.randn(g, DType.FLOAT64, 3).toDoubleArray());
    }
}
