package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.Generator;

/**
 * {@link Generator#nextGaussian()} (a ziggurat since the performance work) draws N(0, 1) and is
 * reproducible per seed. Each statistical check uses a fixed seed and states the probability that a
 * correct sampler would fail it with a random seed (its false-alarm rate).
 */
class GaussianSamplerTest {
    /** False-alarm rate of the Kolmogorov–Smirnov test. */
    private static final double KS_ALPHA = 1e-4;
    /** Standard deviations a binomial count may stray: false alarm about 6e-7 (two-sided normal). */
    private static final double COUNT_SIGMAS = 5;
    /** Where the ziggurat's tail starts. */
    private static final double TAIL_START = 3.6541528853610088;

    @Test
    void theSameSeedGivesTheSameStream() {
        Generator a = new Generator(7);
        Generator b = new Generator(8).seed(7);
        assertArrayEquals(draws(a, 1000), draws(b, 1000));
    }

    @Test
    void drawsPassAKolmogorovSmirnovTestAgainstTheStandardNormal() {
        double[] z = draws(new Generator(2024), 200_000);
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(null, 0, 1), z);
        assertTrue(p > KS_ALPHA, "KS p-value " + p);
    }

    @Test
    void theTailBeyondTheZigguratsBaseLayerHasTheNormalMass() {
        int n = 2_000_000;
        Generator g = new Generator(99);
        int beyond = 0;
        int farBeyond = 0;
        for (int i = 0; i < n; i++) {
            double z = Math.abs(g.nextGaussian());
            beyond += z > TAIL_START ? 1 : 0;
            farBeyond += z > 4.5 ? 1 : 0;
        }
        NormalDistribution normal = new NormalDistribution(null, 0, 1);
        assertCount(beyond, n, 2 * normal.cumulativeProbability(-TAIL_START), "beyond R");
        assertCount(farBeyond, n, 2 * normal.cumulativeProbability(-4.5), "beyond 4.5");
    }

    private static void assertCount(int count, int n, double p, String what) {
        double expected = n * p;
        double sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - expected) <= COUNT_SIGMAS * sd,
                what + ": " + count + " draws, expected " + expected + " ± " + sd);
    }

    private static double[] draws(Generator g, int n) {
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = g.nextGaussian();
        }
        return z;
    }
}
