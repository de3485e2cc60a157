package org.tapegrad.examples.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;

/**
 * The learner's claims about the article's 512-unit chain, proved on tapegrad's numbers (float32, as the
 * article's PyTorch default). Each claim uses fixed seeds, so the test is deterministic; the tolerances
 * are wide enough that any seed would pass with overwhelming probability (stated per test).
 */
class DepthClaimsTest {
    private static final int UNITS = 512;
    private static final int LAYERS = 100;
    /** The article reports the loop index i = 28 for the first NaN: layer 29 here (layer = i + 1). */
    private static final int ARTICLE_FIRST_NAN_LAYER = 29;
    private static final int FIRST_NAN_TOLERANCE = 2;
    private static final int TRIALS = 40;
    private static final double FACT_TOLERANCE = 0.05;

    private static Chain.Result run(String id, long seed) {
        ChainConfig config = ChainConfig.select(List.of(id)).get(0);
        return Chain.run(config, LAYERS, UNITS, DType.FLOAT32, new Generator(seed));
    }

    /**
     * The std grows by √512 ≈ 22.6 per layer, so it passes float32's 3.4e38 after log(3.4e38)/log(22.6) ≈ 28.4
     * layers; the randomness moves that by a fraction of a layer, so ±2 layers is a very safe margin.
     */
    @Test
    void standardNormalChainTurnsNanAroundLayer28InFloat32() {
        for (long seed : new long[] {0, 1}) {
            Chain.Result r = run("normal", seed);
            assertTrue(Math.abs(r.firstNanLayer() - ARTICLE_FIRST_NAN_LAYER) <= FIRST_NAN_TOLERANCE,
                    "seed " + seed + ": first NaN at layer " + r.firstNanLayer());
            assertTrue(Double.isNaN(r.finalStd()));
            assertTrue(r.std()[r.firstNanLayer() - 2] > 1e30, "just before the NaN the std is huge");
        }
    }

    /** ×0.01 multiplies the std by 0.226 per layer: 0.226^100 ≈ 1e-65, far below float32's smallest value. */
    @Test
    void scalingByOneHundredthCollapsesTheSignalToZero() {
        Chain.Result r = run("normal-x0.01", 0);
        assertTrue(r.finalStd() == 0 || r.finalStd() < 1e-30, "final std " + r.finalStd());
        assertEquals(-1, r.firstNanLayer());
    }

    /** With weights N(0, 1/n) each layer keeps the variance: the std stays near 1 through 100 layers. */
    @Test
    void dividingBySqrtNKeepsTheLinearChainNearOne() {
        Chain.Result r = run("normal-scaled", 0);
        assertTrue(r.finalStd() >= 0.3 && r.finalStd() <= 3, "final std " + r.finalStd());
    }

    /** Kaiming's √(2/n) compensates the ReLU's halving: the std stays within a factor 3 of 1 at every layer. */
    @Test
    void kaimingKeepsTheReluChainAliveAtEveryLayer() {
        Chain.Result r = run("relu-kaiming", 0);
        for (int layer = 1; layer <= LAYERS; layer++) {
            double std = r.std()[layer - 1];
            assertTrue(std >= 1.0 / 3 && std <= 3, "layer " + layer + ": std " + std);
        }
    }

    /**
     * The variance facts over {@value #TRIALS} trials of n = 512. The rms estimates have a relative standard
     * error of about 1/√(n·T) ≈ 0.7% (√(1.5/(n·T)) ≈ 0.9% for the two-layer product), so the relative
     * tolerance of {@value #FACT_TOLERANCE} is at least 5.5 standard errors: a false-alarm rate below 1e-7 per
     * fact for an arbitrary seed (the seed is fixed, so the test itself is deterministic). The mean of a @ x, predicted 0,
     * has a standard error of 1/√T and is allowed 5 of them.
     */
    @Test
    void varianceFactsMatchTheArticlesDerivation() {
        List<VarianceFacts.Fact> facts = VarianceFacts.measure(UNITS, TRIALS, DType.FLOAT32, new Generator(7));
        assertEquals(22.63, fact(facts, "a @ x", "std").predicted(), 0.01);
        assertEquals(512, fact(facts, "b @ (a @ x)", "std").predicted(), 1e-9);
        assertEquals(9.027, fact(facts, "relu(a @ x)", "mean").predicted(), 0.001);
        assertEquals(16.0, fact(facts, "relu(a @ x)", "rms").predicted(), 1e-9);
        for (VarianceFacts.Fact f : facts) {
            if (f.predicted() != 0) {
                assertTrue(f.relativeError() < FACT_TOLERANCE, f.toString());
            } else {
                double standardError = 1 / Math.sqrt(TRIALS);
                assertTrue(Math.abs(f.measured()) < 5 * standardError, f.toString());
            }
        }
    }

    private static VarianceFacts.Fact fact(List<VarianceFacts.Fact> facts, String quantity, String statistic) {
        return facts.stream().filter(f -> f.quantity().equals(quantity) && f.statistic().equals(statistic))
                .findFirst().orElseThrow();
    }
}
