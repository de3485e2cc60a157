package org.tapegrad.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.examples.depth.Activation;

/**
 * The fifth seed article's claims on its own network, 100 × Linear(256, 256) on a batch of 16, float32.
 * Deterministic (fixed seeds); the margins are explained per claim.
 */
class MlpClaimsTest {
    private static final int LAYERS = 100;
    private static final int UNITS = 256;
    private static final int BATCH = 16;

    private static Mlp.Result run(MlpExperiment.Task task, long seed) {
        return Mlp.run(task.label(), task.init(), task.activation(), LAYERS, UNITS, BATCH, DType.FLOAT32,
                new Generator(seed));
    }

    private static MlpExperiment.Task article(int index) {
        return MlpExperiment.articleTasks(UNITS).get(index);
    }

    /** The std grows by √256 = 16 per layer: 16^32 ≈ 3.4e38 is float32's limit, so NaN appears near layer 32. */
    @Test
    void standardNormalWeightsTurnNanAroundLayer32() {
        Mlp.Result r = run(article(0), 0);
        assertTrue(r.firstNanLayer() >= 30 && r.firstNanLayer() <= 34, "first NaN at " + r.firstNanLayer());
    }

    /** std √(1/n) keeps the linear network's variance: the std stays within [0.3, 3] at every layer. */
    @Test
    void stdOneOverSqrtNKeepsTheLinearNetworkNearOne() {
        Mlp.Result r = run(article(1), 0);
        for (double std : r.std()) {
            assertTrue(std > 0.3 && std < 3, "std " + std);
        }
    }

    /** tanh contracts: with std √(1/n) the signal fades, while the gain 5/3 keeps it several times larger. */
    @Test
    void theTanhGainKeepsTheTanhNetworkAlive() {
        Mlp.Result plain = run(article(2), 0);
        Mlp.Result xavier = run(article(3), 0);
        assertTrue(plain.finalStd() < 0.2, "plain " + plain.finalStd());
        assertTrue(xavier.finalStd() > 0.3, "xavier with gain 5/3 " + xavier.finalStd());
        assertEquals("alive", xavier.verdict());
    }

    /** ReLU halves the variance per layer: √(1/n) leaves 2^-50 of it; Kaiming's √(2/n) keeps it. */
    @Test
    void reluVanishesWithoutKaimingAndLivesWithIt() {
        Mlp.Result plain = run(article(4), 0);
        Mlp.Result kaiming = run(article(5), 0);
        assertTrue(plain.finalStd() < 1e-10, "plain " + plain.finalStd());
        for (double std : kaiming.std()) {
            assertTrue(std > 0.05 && std < 20, "kaiming " + std);
        }
    }

    /** Constant weights give every unit the same input and so the same output: zeros are dead at once, constants symmetric. */
    @Test
    void constantInitialisersNeverBreakTheSymmetry() {
        List<LayerInit> library = LayerInit.library();
        LayerInit zeros = library.stream().filter(i -> i.id().equals("zeros")).findFirst().orElseThrow();
        LayerInit constant = library.stream().filter(i -> i.id().equals("constant")).findFirst().orElseThrow();
        Mlp.Result dead = Mlp.run(zeros.call(), zeros.filler(), Activation.TANH, 10, 64, 8, DType.FLOAT32,
                new Generator(0));
        assertEquals(1, dead.firstZeroLayer());
        Mlp.Result same = Mlp.run(constant.call(), constant.filler(), Activation.TANH, 10, 64, 8, DType.FLOAT32,
                new Generator(0));
        assertTrue(same.symmetric(), "every unit of a sample is equal");
        assertTrue(same.finalStd() > 0, "but samples still differ");
    }
}
