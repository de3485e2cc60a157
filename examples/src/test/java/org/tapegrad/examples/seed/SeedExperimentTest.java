package org.tapegrad.examples.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.examples.run.Progress;

/** The conv seed experiment's claims, on a small image. */
class SeedExperimentTest {
    private static final int SIZE = 16;
    private static final float LN3 = (float) Math.log(3);

    private static SeedExperiment.Config small(Variant variant, int epochs) {
        return SeedExperiment.Config.article(variant, 3).withSize(SIZE).withEpochs(epochs);
    }

    @Test
    void zeroInitialisedStackNeverReceivesWeightGradient() {
        SeedExperiment.Result r = SeedExperiment.run(small(Variant.ZEROS, 6));
        assertFalse(r.conv1EverNonZeroGrad());
        assertFalse(r.conv2EverNonZeroGrad());
        for (double loss : r.losses()) {
            assertEquals(LN3, loss, 0.0, "the loss stays at ln 3: uniform predictions over 3 classes");
        }
        assertArrayEquals(new double[81], r.conv1WFinal().toDoubleArray(), "conv1 stays exactly 0");
        assertArrayEquals(new double[] {1, 1, 1}, r.bn2WeightFinal().toDoubleArray(), "relu'(0) = 0 starves bn2 too");
        assertArrayEquals(new double[] {0, 0, 0}, r.bn2BiasFinal().toDoubleArray());
    }

    @Test
    void aSingleZeroConvOnTheImageStillLearns() {
        SeedExperiment.Result r = SeedExperiment.run(small(Variant.ZEROS_SINGLE_CONV, 6));
        assertTrue(r.conv2EverNonZeroGrad());
        assertTrue(r.losses()[5] < r.losses()[0], "the loss falls");
        assertTrue(Double.isNaN(r.conv1Mean()[0]), "no conv1 in the single-conv model");
        assertEquals(null, r.conv1WFinal());
    }

    @Test
    void constantInitialisationTrainsButNeverBreaksTheSymmetry() {
        SeedExperiment.Result r = SeedExperiment.run(small(Variant.CONSTANT5, 10));
        assertTrue(r.conv1EverNonZeroGrad() && r.conv2EverNonZeroGrad());
        assertTrue(r.losses()[9] < r.losses()[0]);
        assertEquals(1, SeedExperiment.distinctFilters(r.conv1WFinal()), "conv1's filters all stay equal");
        assertEquals(2, SeedExperiment.distinctFilters(r.conv2WFinal()),
                "conv2's filters for the two classes that are not the label get equal gradients and stay equal");
    }

    @Test
    void kaimingBreaksTheSymmetryAndLearns() {
        SeedExperiment.Result r = SeedExperiment.run(small(Variant.KAIMING, 10));
        assertTrue(r.conv1EverNonZeroGrad() && r.conv2EverNonZeroGrad());
        assertTrue(r.losses()[9] < r.losses()[0]);
        assertEquals(3, SeedExperiment.distinctFilters(r.conv1WFinal()));
    }

    /**
     * Both runs take the same first step, so at epoch 1 they compute the same gradient g₁; without zeroing,
     * the stored gradient is g₀ + g₁, so the difference of the two final gradients is g₀, the gradient of a
     * one-epoch run.
     */
    @Test
    void zeroGradKeepsOnlyTheLastEpochsGradient() {
        SeedExperiment.Config config = small(Variant.KAIMING, 2).withDtype(DType.FLOAT64);
        Tensor accumulated = SeedExperiment.run(config).conv2GradFinal();
        Tensor zeroed = SeedExperiment.run(config.withOptimizer(config.lr(), config.momentum(), true)).conv2GradFinal();
        Tensor first = SeedExperiment.run(config.withEpochs(1)).conv2GradFinal();
        double[] difference = accumulated.sub(zeroed).toDoubleArray();
        double[] expected = first.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], difference[i], 1e-12 + 1e-9 * Math.abs(expected[i]));
        }
    }

    @Test
    void explicitImageAndWeightsAreUsedAsGiven() {
        Tensor image = Tensor.randn(new org.tapegrad.autograd.Generator(9), DType.FLOAT64, 1, 3, 8, 8);
        Tensor w1 = Tensor.full(0.25, DType.FLOAT64, 3, 3, 3, 3);
        Tensor w2 = Tensor.full(-0.5, DType.FLOAT64, 3, 3, 3, 3);
        SeedExperiment.Config config = SeedExperiment.Config.article(Variant.KAIMING, 0).withDtype(DType.FLOAT64)
                .withEpochs(1).withStart(image, w1, w2);
        assertEquals(8, config.size());
        SeedExperiment.Result r = SeedExperiment.run(config);
        assertArrayEquals(w1.toDoubleArray(), r.conv1W0().toDoubleArray());
        assertArrayEquals(w2.toDoubleArray(), r.conv2W0().toDoubleArray());
        assertEquals(0.25, r.conv1Mean()[0], 1e-15, "recorded before the step");
    }

    @Test
    void invalidSettingsAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeedExperiment.Config.article(Variant.ZEROS, 0).withEpochs(0));
        assertTrue(e.getMessage().contains("--epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SeedExperiment.Config.article(Variant.ZEROS, 0)
                .withStart(Tensor.zeros(DType.FLOAT32, 1, 3, 4, 5), null, null));
        assertTrue(e.getMessage().contains("image must have shape"), e.getMessage());
    }

    @Test
    void inspectorsSeeEveryRunAndTheirVerdictsReachTheReport() throws Exception {
        List<String> seen = new ArrayList<>();
        VariantInspector inspector = variant -> new TrainingListener() {
            int backwards;

            @Override
            public void modelBuilt(SeedNet net) {
                seen.add(variant + " built, single conv " + net.singleConv());
            }

            @Override
            public void afterBackward(int epoch, SeedNet net, double loss) {
                backwards++;
            }

            @Override
            public List<String> verdicts() {
                return List.of("inspected " + variant + " after " + backwards + " backward passes");
            }
        };
        ConvExperiment experiment = new ConvExperiment(new ConvExperiment.Options(2, 8,
                List.of(Variant.ZEROS_SINGLE_CONV), false, 0.01, 0.1, DType.FLOAT32, 0), List.of(inspector));
        ConvOutcome outcome = experiment.run(Progress.silent());
        assertEquals(List.of("zeros-single-conv built, single conv true"), seen);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("inspect");
        String md = outcome.report(dir).get(0).markdown();
        assertTrue(md.contains("- inspected zeros-single-conv after 2 backward passes"), md);
        assertTrue(outcome.prose().contains("inspector: inspected zeros-single-conv after 2 backward passes"));
    }
}
