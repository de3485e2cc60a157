package org.tapegrad.nn.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.nn.inspect.SeedNets.CROSS_ENTROPY;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.Init;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sigmoid;
import org.tapegrad.nn.Tanh;

/** The inspector's verdicts on small versions of the seed models, with the reasons it gives. */
class GradientFlowInspectorTest {
    private static final int IMAGE_SIZE = 8;
    private static final int BATCH = 16;
    private static final double EXACT = 1e-12;

    private static GradientFlowReport inspectConv(Module model) {
        Generator g = new Generator(11);
        return GradientFlowInspector.inspect(model, SeedNets.image(IMAGE_SIZE, DType.FLOAT64, g),
                SeedNets.labelTwo(IMAGE_SIZE), CROSS_ENTROPY);
    }

    private static GradientFlowReport convSeed(SeedNets.Fill fill) {
        return inspectConv(SeedNets.convSeed(fill, DType.FLOAT64, new Generator(1)));
    }

    private static GradientFlowReport mlp(int depth, int width, Supplier<Module> activation, SeedNets.Fill fill,
            DType dtype) {
        return stack(depth, width, BATCH, activation, fill, dtype);
    }

    /** The depth experiment: one input vector through {@code depth} square layers. */
    private static GradientFlowReport chain(int depth, int width, SeedNets.Fill fill, DType dtype) {
        return stack(depth, width, 1, null, fill, dtype);
    }

    private static GradientFlowReport stack(int depth, int width, int batch, Supplier<Module> activation,
            SeedNets.Fill fill, DType dtype) {
        Generator g = new Generator(2);
        Module model = SeedNets.mlp(depth, width, activation, fill, dtype, g);
        return GradientFlowInspector.inspect(model, Tensor.randn(g, dtype, batch, width),
                SeedNets.labels(batch, width, g), CROSS_ENTROPY);
    }

    private static void assertVerdict(GradientFlowReport report, String layer, Verdict expected) {
        assertEquals(expected, report.verdict(layer).verdict(), report.toTable());
    }

    private static void assertEveryLayer(GradientFlowReport report, Verdict expected) {
        for (LayerVerdict v : report.verdicts()) {
            assertEquals(expected, v.verdict(), v.layer() + ": " + v.reason());
        }
    }

    // ------------------------------------------------------------------ the conv seed

    @Test
    void zeroInitialisedConvSeedIsDeadInEveryLayer() {
        GradientFlowReport report = convSeed(SeedNets.ZEROS);
        assertEquals(List.of("conv1", "bn1", "conv2", "bn2"), report.layers().stream().map(LayerStats::name).toList());
        assertEveryLayer(report, Verdict.DEAD);
        String conv2 = report.verdict("conv2").reason();
        assertTrue(conv2.startsWith("input to conv2 is all zeros because conv1's weights are zero"), conv2);
        String conv1 = report.verdict("conv1").reason();
        assertTrue(conv1.startsWith("conv1's weights are zero and no gradient reaches its output: "
                + "the ReLU after bn2 passes none back (all its inputs are exactly 0, and relu'(0) = 0)"), conv1);
    }

    @Test
    void zeroInitialisedSingleConvIsHealthyBecauseTheLossSeparatesItsChannels() {
        Module model = new SeedNets.Chain().add("conv2", SeedNets.conv(SeedNets.ZEROS, DType.FLOAT64, new Generator(1)));
        GradientFlowReport report = inspectConv(model);
        assertVerdict(report, "conv2", Verdict.HEALTHY);
        assertTrue(report.verdict("conv2").reason().contains("start with identical weights, but the loss gives them "
                + "different gradients"), report.verdict("conv2").reason());
    }

    @Test
    void zeroConvFollowedByBatchNormAndReluIsDeadBecauseReluStopsAtItsKink() {
        Module model = new SeedNets.Chain().add("conv2", SeedNets.conv(SeedNets.ZEROS, DType.FLOAT64, new Generator(1)))
                .add("bn2", SeedNets.bn(DType.FLOAT64)).add("relu2", new ReLU());
        GradientFlowReport report = inspectConv(model);
        assertEveryLayer(report, Verdict.DEAD);
        assertEquals("conv2's weights are zero and no gradient reaches its output: the ReLU after bn2 passes none back "
                + "(all its inputs are exactly 0, and relu'(0) = 0)", report.verdict("conv2").reason());
    }

    @Test
    void constantFiveConvSeedIsSymmetricInConv1() {
        GradientFlowReport report = convSeed(SeedNets.CONST5);
        assertVerdict(report, "conv1", Verdict.SYMMETRIC);
        assertTrue(report.verdict("conv1").reason().startsWith("all 3 output channels of conv1 have identical incoming "
                + "weights (5 everywhere) and receive identical gradients, so gradient descent can never separate them"),
                report.verdict("conv1").reason());
        // conv2's channels are the classes: the loss gives class 2 a different gradient, as in PyTorch's run.
        assertFalse(report.verdict("conv2").has(Verdict.SYMMETRIC), report.toTable());
    }

    /**
     * Two classes with equal logits: the cross-entropy gradient is (½ − 1, ½) or (½, ½ − 1), which sums to exactly
     * zero; a top layer whose two units have identical weights passes back that sum, so nothing reaches fc0.
     */
    @Test
    void aLayerBelowIdenticalUnitsReceivesTheSumOfTheirGradients() {
        Generator g = new Generator(4);
        Module model = new SeedNets.Chain()
                .add("fc0", SeedNets.mlp(1, 4, null, SeedNets.KAIMING, DType.FLOAT64, g).children().get(0))
                .add("fc1", constantLinear(4, 2, 1.0));
        GradientFlowReport report = GradientFlowInspector.inspect(model, Tensor.randn(g, DType.FLOAT64, 3, 4),
                SeedNets.labels(3, 2, g), CROSS_ENTROPY);
        assertVerdict(report, "fc0", Verdict.DEAD);
        assertEquals("no gradient reaches its output: what flows back through fc1 cancels exactly: its 2 units have "
                + "identical incoming weights, so each of their inputs receives the sum of their gradients, and that sum "
                + "is zero here (until the first step separates fc1's units, whose gradients differ)",
                report.verdict("fc0").reason());
        assertVerdict(report, "fc1", Verdict.HEALTHY);
    }

    private static Linear constantLinear(int in, int out, double value) {
        Linear fc = Linear.builder(in, out).bias(false).dtype(DType.FLOAT64).build();
        Init.constant_(fc.weight(), value);
        return fc;
    }

    /** In float32, 1e-25 · 1e-25 = 1e-50 is below the smallest subnormal (1.4e-45): the weight gradient is 0. */
    @Test
    void aWeightGradientThatUnderflowsIsDeadForThatReason() {
        Linear fc = Linear.builder(1, 1).bias(false).build();
        try (var ignored = GradMode.noGrad()) {
            fc.weight().fill(1.0);
        }
        Module model = new SeedNets.Chain().add("fc", fc);
        Tensor tiny = Tensor.full(1e-25, DType.FLOAT32, 1, 1);
        GradientFlowReport report = GradientFlowInspector.inspect(model, tiny, tiny, (y, t) -> y.mul(t).sum());
        assertVerdict(report, "fc", Verdict.DEAD);
        assertEquals("its input (at most 1e-25) and the gradient at its output (at most 1e-25) are so small that their "
                + "products underflow to exactly zero", report.verdict("fc").reason());
    }

    @Test
    void symmetricLayerStaysSymmetricAfterTraining() {
        Generator g = new Generator(11);
        Module model = SeedNets.convSeed(SeedNets.CONST5, DType.FLOAT64, new Generator(1));
        GradientFlowReport report = GradientFlowInspector.inspect(model, SeedNets.image(IMAGE_SIZE, DType.FLOAT64, g),
                SeedNets.labelTwo(IMAGE_SIZE), CROSS_ENTROPY, 5, 0.1);
        assertEquals(5, report.steps());
        assertVerdict(report, "conv1", Verdict.SYMMETRIC);
    }

    @Test
    void kaimingConvSeedIsHealthy() {
        GradientFlowReport report = convSeed(SeedNets.KAIMING);
        assertTrue(report.isHealthy(), report.toTable());
    }

    @Test
    void trainingStepsRunBeforeTheInspection() {
        Generator g = new Generator(11);
        Module model = SeedNets.convSeed(SeedNets.KAIMING, DType.FLOAT64, new Generator(1));
        Tensor image = SeedNets.image(IMAGE_SIZE, DType.FLOAT64, g);
        double before = GradientFlowInspector.inspect(model, image, SeedNets.labelTwo(IMAGE_SIZE), CROSS_ENTROPY).loss();
        GradientFlowReport after = GradientFlowInspector.inspect(model, image, SeedNets.labelTwo(IMAGE_SIZE),
                CROSS_ENTROPY, 10, 0.1);
        assertTrue(after.loss() < before, "loss " + before + " then " + after.loss());
    }

    // ------------------------------------------------------------------ the depth experiments

    // The seed chain is 512 wide; narrower chains explode the same way (×√width per layer) and initialise faster.

    @Test
    void hundredLayerStandardNormalChainExplodesToNaNWithoutCrashing() {
        GradientFlowReport report = chain(100, 256, SeedNets.NORMAL, DType.FLOAT32);
        assertTrue(Double.isNaN(report.loss()), "float32 overflows long before layer 100");
        assertEveryLayer(report, Verdict.EXPLODING);
        String top = report.verdict("fc99").reason();
        assertTrue(top.startsWith("its input already holds ±Infinity or NaN: the activations first overflowed at fc"),
                top);
        assertTrue(report.verdict("fc0").reason().startsWith("its gradients hold ±Infinity or NaN"),
                report.verdict("fc0").reason());
    }

    @Test
    void hundredLayerStandardNormalChainExplodesInFloat64WithoutOverflowing() {
        GradientFlowReport report = chain(100, 128, SeedNets.NORMAL, DType.FLOAT64);
        assertTrue(Double.isFinite(report.loss()));
        assertEveryLayer(report, Verdict.EXPLODING);
        assertTrue(report.verdict("fc50").reason().contains("activation std is"), report.verdict("fc50").reason());
    }

    @Test
    void scaledNormalTanhStackVanishes() {
        GradientFlowReport report = mlp(20, 64, Tanh::new, SeedNets.SCALED001, DType.FLOAT32);
        assertEveryLayer(report, Verdict.VANISHING);
        assertTrue(report.verdict("fc0").reason().startsWith("std of the gradient at its output is"),
                report.verdict("fc0").reason());
        assertTrue(report.verdict("fc19").reason().startsWith("activation std is"), report.verdict("fc19").reason());
    }

    @Test
    void uniformSigmoidStackSaturates() {
        GradientFlowReport report = mlp(3, 32, Sigmoid::new, SeedNets.UNIFORM01, DType.FLOAT32);
        assertVerdict(report, "fc1", Verdict.SATURATED);
        assertVerdict(report, "fc2", Verdict.SATURATED);
        assertTrue(report.verdict("fc2").reason().contains("of the outputs of the Sigmoid after fc2 are within 0.01 of 0 "
                + "or 1"), report.verdict("fc2").reason());
    }

    @Test
    void sigmoidPinnedExactlyAtOneKillsTheGradient() {
        GradientFlowReport report = mlp(3, 256, Sigmoid::new, SeedNets.UNIFORM01, DType.FLOAT32);
        assertEveryLayer(report, Verdict.DEAD);
        assertEquals("no gradient reaches its output: the Sigmoid after fc2 passes none back (its outputs are all "
                + "exactly 0 or 1, where σ' = y(1 − y) = 0)", report.verdict("fc2").reason());
        assertTrue(report.verdict("fc2").has(Verdict.SATURATED), report.toTable());
    }

    // ------------------------------------------------------------------ the measurements

    /** y = x·Wᵀ with W = [[1, 2], [3, 4]], x = [[1, −1]], loss = y·[1, 2]ᵀ: ∇y = [1, 2], ∇W = ∇yᵀ·x. */
    @Test
    void measuresAHandComputedLinearLayer() {
        Linear fc = Linear.builder(2, 2).bias(false).dtype(DType.FLOAT64).build();
        try (var ignored = GradMode.noGrad()) {
            fc.weight().copyFrom(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        }
        Module model = new SeedNets.Chain().add("fc", fc);
        GradientFlowReport report = GradientFlowInspector.inspect(model, Tensor.of(new double[] {1, -1}, 1, 2),
                Tensor.of(new double[] {1, 2}, 1, 2), (y, t) -> y.mul(t).sum());
        LayerStats s = report.layers().get(0);
        assertEquals(-3.0, report.loss(), EXACT);
        assertEquals("weight", s.weightName());
        assertEquals(List.of(2, 2), s.weightShape());
        assertEquals(2.5, s.weight().mean(), EXACT);
        assertEquals(Math.sqrt(1.25), s.weight().std(), EXACT);
        assertEquals(-1.0, s.output().mean(), EXACT);
        assertEquals(0.0, s.output().std(), EXACT);
        assertEquals(1.5, s.outputGradient().mean(), EXACT);
        assertEquals(0.5, s.outputGradient().std(), EXACT);
        // ∇W = [[1, −1], [2, −2]]
        assertEquals(0.0, s.weightGradient().mean(), EXACT);
        assertEquals(Math.sqrt(2.5), s.weightGradient().std(), EXACT);
        assertEquals(2.0, s.weightGradient().maxAbs(), EXACT);
        assertEquals(0.0, s.weightGradient().zeroFraction(), EXACT);
        assertEquals(Math.sqrt(10.0 / 30.0), s.gradientToWeightNormRatio(), EXACT);
        assertFalse(s.allGradientsZero());
        assertEquals(Verdict.HEALTHY, report.verdict("fc").verdict());
    }

    @Test
    void aBareLayerIsInspectedAsTheModelItself() {
        Linear fc = Linear.builder(3, 2).dtype(DType.FLOAT64).generator(new Generator(8)).build();
        GradientFlowReport report = GradientFlowInspector.inspect(fc, Tensor.randn(new Generator(9), DType.FLOAT64, 4, 3),
                SeedNets.labels(4, 2, new Generator(10)), CROSS_ENTROPY);
        LayerStats s = report.layers().get(0);
        assertEquals("", s.name());
        assertEquals("Linear", s.displayName());
        assertEquals(Verdict.HEALTHY, report.verdict("").verdict(), report.toTable());
        assertTrue(report.toTable().contains("\n(model)  Linear"), report.toTable());
    }

    @Test
    void aFollowingNonlinearityIsTheLayersActivation() {
        Linear fc = Linear.builder(2, 2).bias(false).dtype(DType.FLOAT64).build();
        try (var ignored = GradMode.noGrad()) {
            fc.weight().copyFrom(Tensor.of(new double[] {1, 0, 0, 1}, 2, 2));
        }
        Module model = new SeedNets.Chain().add("fc", fc).add("act", new ReLU());
        GradientFlowReport report = GradientFlowInspector.inspect(model, Tensor.of(new double[] {2, -3, 4, 5}, 2, 2),
                Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), (y, t) -> y.mul(t).sum());
        LayerStats s = report.layers().get(0);
        assertEquals("ReLU", s.activation().type());
        assertEquals(0.25, s.activationValues().zeroFraction(), EXACT, "relu([2, −3, 4, 5]) has one zero");
        assertEquals(0.0, s.output().zeroFraction(), EXACT);
        assertEquals(2.5, s.activation().gradient().mean(), EXACT, "∇ at the ReLU's output is the target");
        assertEquals(0.25, s.outputGradient().zeroFraction(), EXACT, "the ReLU zeroes the gradient of −3");
        assertTrue(Double.isNaN(s.activation().saturatedFraction()), "a ReLU does not saturate");
    }

    @Test
    void tanhSaturationCountsOutputsNearOne() {
        Linear fc = Linear.builder(1, 1).bias(false).dtype(DType.FLOAT64).build();
        try (var ignored = GradMode.noGrad()) {
            fc.weight().fill(1.0);
        }
        Module model = new SeedNets.Chain().add("fc", fc).add("act", new Tanh());
        // tanh(3) = 0.99505 and tanh(−2.7) = −0.99101 are within 0.01 of ±1; tanh(2.6) = 0.98903 is not.
        GradientFlowReport report = GradientFlowInspector.inspect(model, Tensor.of(new double[] {3, -2.7, 2.6, 0}, 4, 1),
                Tensor.of(new double[] {1, 1, 1, 1}, 4, 1), (y, t) -> y.mul(t).sum());
        assertEquals(0.5, report.layers().get(0).activation().saturatedFraction(), EXACT);
        assertEquals(0.0, report.layers().get(0).activation().pinnedFraction(), EXACT);
        assertNotEquals(Verdict.SATURATED, report.verdict("fc").verdict(), "half is not more than half");
    }

    @Test
    void inspectionClearsOldGradientsAndRemovesItsHooks() {
        Module model = SeedNets.convSeed(SeedNets.KAIMING, DType.FLOAT64, new Generator(1));
        GradientFlowReport first = convSeedAgain(model);
        GradientFlowReport second = convSeedAgain(model);
        // Gradients do not accumulate across inspections, and the first inspection's hooks record nothing more.
        assertEquals(first.layers().size(), second.layers().size());
        for (int i = 0; i < first.layers().size(); i++) {
            assertEquals(first.layers().get(i).weightGradient().norm(), second.layers().get(i).weightGradient().norm(),
                    1e-3 * first.layers().get(i).weightGradient().norm());
        }
    }

    private static GradientFlowReport convSeedAgain(Module model) {
        model.eval(); // fixed BatchNorm statistics: both passes compute the same function
        return inspectConv(model);
    }

    @Test
    void aLossThatDoesNotDependOnTheParametersIsRejected() {
        Module model = SeedNets.convSeed(SeedNets.KAIMING, DType.FLOAT64, new Generator(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientFlowInspector.inspect(
                model, SeedNets.image(4, DType.FLOAT64, new Generator(3)), Tensor.scalar(1.0), (y, t) -> t.mul(2.0)));
        assertTrue(e.getMessage().contains("the loss does not depend on any parameter"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> GradientFlowInspector.inspect(model, SeedNets.image(4, DType.FLOAT64, new Generator(3)), null,
                        (y, t) -> y));
        assertTrue(shape.getMessage().contains("the loss must be a single number, got shape [1, 3, 4, 4]"),
                shape.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> GradientFlowInspector.inspect(model, null, null, CROSS_ENTROPY, -1, 0.1));
        assertEquals("GradientFlowInspector: steps must be >= 0, got -1", steps.getMessage());
    }
}
