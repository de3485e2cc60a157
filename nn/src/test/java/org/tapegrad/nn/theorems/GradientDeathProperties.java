package org.tapegrad.nn.theorems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.nn.theorems.TheoremSupport.requireAll;
import static org.tapegrad.nn.theorems.TheoremSupport.requireAllZero;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Reduction;
import org.tapegrad.init.Init;
import org.tapegrad.nn.BatchNorm2d;
import org.tapegrad.nn.Conv2d;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Flatten;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sequential;
import org.tapegrad.nn.optim.SGD;
import org.tapegrad.nn.theorems.TheoremSupport.SgdSchedule;

/**
 * The gradient-death theorem (SPEC, "Four facts": relu'(0) = 0).
 *
 * <p>Take a stack of blocks {@code layer → [BatchNorm2d] → ReLU}, each layer a Conv2d or Linear without bias
 * whose weight is all zero. Every layer's output is 0; a BatchNorm of a constant 0 gives its bias β = 0; so
 * every ReLU sits exactly at its kink and passes no gradient back. The weight gradient of a layer is the
 * correlation of its input and its upstream gradient, and for every layer one of the two is zero: the first
 * layer's upstream gradient has passed its block's ReLU, every later layer's input is a ReLU output of 0.
 * BatchNorm's γ and β receive Σ g·x̂ and Σ g with g = 0 behind a ReLU. So after any number of SGD steps
 * (momentum or not, gradients zeroed or accumulated) every weight and every weight gradient is exactly 0,
 * γ stays 1 and β stays 0, and the logits are exactly 0, so the per-position loss is exactly ln C.
 *
 * <p>The last block may drop its ReLU: the weights still never move (the last layer's input is still 0), but a
 * BatchNorm there has no ReLU behind it, its β learns and the loss leaves ln C, so those two claims are made
 * only for blocks followed by a ReLU.
 */
class GradientDeathProperties {

    /**
     * How far the mean cross entropy of all-zero logits may lie from ln C, in ulps of ln C, per position
     * averaged. Each position's loss is exactly ln C (the kernel forms log(Σ exp 0) = log C, and C ones add
     * exactly), but the mean adds M equal terms left to right and divides by M: the recursive-summation bound
     * gives |mean − ln C| ≤ γ_M·ln C &lt; M·ulp(ln C) in float64 (a simulation of exactly that sum reaches 18
     * ulps for M ≤ 144, so "exactly ln C" would be false for the mean). In float32 that double is then
     * rounded once; being far inside half a float32 ulp of ln C, it rounds to (float) ln C or, at a rounding
     * boundary, its neighbour: within 1 float32 ulp.
     */
    private static final int MEAN_LOSS_ULPS_PER_POSITION = 1;

    // ------------------------------------------------------------------ architectures

    /**
     * One block as drawn: a Conv2d (kernel, padding, optional BatchNorm2d) or a Linear (no BatchNorm),
     * {@code width} output channels or features. This class is immutable.
     */
    record BlockSpec(boolean conv, int width, int kernel, int padding, boolean batchNorm) {
        @Override
        public String toString() {
            return conv ? "Conv(" + width + ", k" + kernel + ", p" + padding + (batchNorm ? ", BN)" : ")")
                    : "Linear(" + width + ")";
        }
    }

    /**
     * A stack of zero-weight blocks: the conv blocks first (on (N, inWidth, height, width) inputs), then a
     * Flatten if both kinds occur, then the linear blocks (on (N, inWidth) inputs if there is no conv).
     * Every block ends in ReLU except possibly the last ({@code endsInRelu}). This class is immutable.
     */
    record Architecture(DType dtype, int batch, int inWidth, int height, int width, List<BlockSpec> blocks,
            boolean endsInRelu) {
        Architecture {
            List<BlockSpec> ordered = new ArrayList<>(blocks);
            ordered.sort(Comparator.comparing(b -> !b.conv())); // stable: convs first, order kept
            blocks = List.copyOf(ordered);
        }

        boolean hasConv() {
            return blocks.get(0).conv();
        }

        boolean lastIsConv() {
            return blocks.get(blocks.size() - 1).conv();
        }

        int classes() {
            return blocks.get(blocks.size() - 1).width();
        }

        /** At least 2 classes, every conv output at least 1×1, and BatchNorm given more than one value per channel. */
        boolean isValid() {
            if (classes() < 2) {
                return false;
            }
            int h = height;
            int w = width;
            for (BlockSpec b : blocks) {
                if (b.conv()) {
                    h = h + 2 * b.padding() - b.kernel() + 1;
                    w = w + 2 * b.padding() - b.kernel() + 1;
                    if (h < 1 || w < 1 || (b.batchNorm() && batch * h * w < 2)) {
                        return false;
                    }
                }
            }
            return true;
        }

        int[] inputShape() {
            return hasConv() ? new int[] {batch, inWidth, height, width} : new int[] {batch, inWidth};
        }
    }

    /** A built network: the model, its conv/linear weights, and the BatchNorms that a ReLU follows. */
    record Net(Sequential model, List<Tensor> weights, List<BatchNorm2d> batchNormsBeforeRelu, int[] targetShape) {
    }

    /** Builds {@code a} with every conv/linear weight set to zero ({@code Init.zeros_}). */
    static Net buildZero(Architecture a) {
        Net net = build(a, new Generator(1));
        for (Tensor w : net.weights()) {
            Init.zeros_(w);
        }
        return net;
    }

    /** Builds {@code a} with the layers' default (Kaiming-uniform) initialisation drawn from {@code gen}. */
    static Net build(Architecture a, Generator gen) {
        List<Module> layers = new ArrayList<>();
        List<Tensor> weights = new ArrayList<>();
        List<BatchNorm2d> batchNorms = new ArrayList<>();
        int channels = a.inWidth();
        int h = a.height();
        int w = a.width();
        boolean spatial = a.hasConv();
        for (int i = 0; i < a.blocks().size(); i++) {
            BlockSpec b = a.blocks().get(i);
            boolean relu = i < a.blocks().size() - 1 || a.endsInRelu();
            if (b.conv()) {
                Conv2d conv = Conv2d.builder(channels, b.width(), b.kernel()).padding(b.padding()).bias(false)
                        .dtype(a.dtype()).generator(gen).build();
                layers.add(conv);
                weights.add(conv.weight());
                h = h + 2 * b.padding() - b.kernel() + 1;
                w = w + 2 * b.padding() - b.kernel() + 1;
                if (b.batchNorm()) {
                    BatchNorm2d bn = BatchNorm2d.builder(b.width()).dtype(a.dtype()).build();
                    layers.add(bn);
                    if (relu) {
                        batchNorms.add(bn);
                    }
                }
            } else {
                if (spatial) {
                    layers.add(new Flatten());
                    channels = channels * h * w;
                    spatial = false;
                }
                Linear linear = Linear.builder(channels, b.width()).bias(false).dtype(a.dtype()).generator(gen).build();
                layers.add(linear);
                weights.add(linear.weight());
            }
            if (relu) {
                layers.add(new ReLU());
            }
            channels = b.width();
        }
        int[] targetShape = a.lastIsConv() ? new int[] {a.batch(), h, w} : new int[] {a.batch()};
        return new Net(new Sequential(layers), weights, batchNorms, targetShape);
    }

    @Provide
    Arbitrary<Architecture> architectures() {
        Arbitrary<BlockSpec> block = Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 1), Arbitraries.of(true, false)).as(BlockSpec::new);
        return Combinators.combine(TheoremSupport.dtypes(), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(2, 6),
                Arbitraries.integers().between(2, 6), block.list().ofMinSize(2).ofMaxSize(4),
                Arbitraries.of(true, false)).as(Architecture::new).filter(Architecture::isValid);
    }

    @Provide
    Arbitrary<SgdSchedule> schedules() {
        return SgdSchedule.upTo(5);
    }

    // ------------------------------------------------------------------ the theorem

    @Property(tries = 150)
    void zeroInitialisedStackNeverReceivesWeightGradient(@ForAll("architectures") Architecture a,
            @ForAll("schedules") SgdSchedule schedule, @ForAll("seeds") long seed) {
        List<String> violations = train(a, buildZero(a), schedule, seed);
        assertTrue(violations.isEmpty(), () -> a + "\n" + String.join("\n", violations));
    }

    @Provide
    Arbitrary<Long> seeds() {
        return TheoremSupport.seeds();
    }

    /**
     * Trains {@code net} on random inputs and labels and returns every way in which it was not dead: a
     * non-zero logit, a per-position loss other than ln C, a mean loss too far from ln C (only if the net ends
     * in ReLU), a non-zero (or missing) weight or weight gradient, a BatchNorm γ ≠ 1 or β ≠ 0 or a non-zero
     * gradient of either (for BatchNorms a ReLU follows). Checked before and after every step.
     */
    static List<String> train(Architecture a, Net net, SgdSchedule schedule, long seed) {
        Generator gen = new Generator(seed);
        int classes = a.classes();
        Tensor x = Tensor.randn(gen, a.dtype(), a.inputShape());
        Tensor target = Tensor.randint(gen, 0, classes, DType.FLOAT64, net.targetShape());
        CrossEntropyLoss meanLoss = new CrossEntropyLoss();
        CrossEntropyLoss perPosition = new CrossEntropyLoss(Reduction.NONE);
        SGD sgd = new SGD(net.model().parameters(), schedule.options());
        List<String> violations = new ArrayList<>();
        for (int step = 0; step < schedule.steps() && violations.isEmpty(); step++) {
            String at = "step " + step + ": ";
            if (schedule.zeroGradients()) {
                sgd.zeroGrad();
            }
            Tensor logits = net.model().forward(x);
            Tensor loss = meanLoss.forward(logits, target);
            if (a.endsInRelu()) {
                requireAllZero(violations, at + "logits", logits);
                requireAll(violations, at + "per-position loss", perPosition.forward(logits.detach(), target),
                        a.dtype().round(Math.log(classes)));
                requireMeanLossIsLnC(violations, at, a.dtype(), loss.item(), classes, target.numel());
            }
            loss.backward();
            for (int i = 0; i < net.weights().size(); i++) {
                requireAllZero(violations, at + "weight gradient of layer " + i, net.weights().get(i).grad());
            }
            requireBatchNormsUntouched(violations, at, net, true);
            sgd.step();
            for (int i = 0; i < net.weights().size(); i++) {
                requireAllZero(violations, at + "weight of layer " + i + " after the step", net.weights().get(i));
            }
            requireBatchNormsUntouched(violations, at + "after the step: ", net, false);
        }
        return violations;
    }

    private static void requireBatchNormsUntouched(List<String> violations, String at, Net net, boolean gradients) {
        for (int i = 0; i < net.batchNormsBeforeRelu().size(); i++) {
            BatchNorm2d bn = net.batchNormsBeforeRelu().get(i);
            if (gradients) {
                requireAllZero(violations, at + "BatchNorm " + i + " weight gradient", bn.weight().grad());
                requireAllZero(violations, at + "BatchNorm " + i + " bias gradient", bn.bias().grad());
            } else {
                requireAll(violations, at + "BatchNorm " + i + " weight", bn.weight(), 1.0);
                requireAllZero(violations, at + "BatchNorm " + i + " bias", bn.bias());
            }
        }
    }

    /** See {@link #MEAN_LOSS_ULPS_PER_POSITION}. */
    private static void requireMeanLossIsLnC(List<String> violations, String at, DType dtype, double loss,
            int classes, int positions) {
        double lnC = Math.log(classes);
        double tolerance = dtype == DType.FLOAT32 ? Math.ulp((float) lnC)
                : MEAN_LOSS_ULPS_PER_POSITION * positions * Math.ulp(lnC);
        if (!(Math.abs(loss - dtype.round(lnC)) <= tolerance)) {
            violations.add(at + "mean loss " + loss + " is not ln " + classes + " = " + lnC + " within " + tolerance);
        }
    }

    // ------------------------------------------------------------------ the check bites

    /** Conv(3→4, 3×3, p1) → BN → ReLU → Conv(4→3, 3×3, p1) → BN → ReLU on (2, 3, 5, 5), float64. */
    private static Architecture seedLikeArchitecture() {
        return new Architecture(DType.FLOAT64, 2, 3, 5, 5,
                List.of(new BlockSpec(true, 4, 3, 1, true), new BlockSpec(true, 3, 3, 1, true)), true);
    }

    @Example
    void theDeathCheckDetectsTheGradientsOfANonZeroInitialisation() {
        Architecture a = seedLikeArchitecture();
        SgdSchedule oneStep = new SgdSchedule(1, true, 0.1, 0.0, false);

        List<String> dead = train(a, buildZero(a), oneStep, 7);
        List<String> alive = train(a, build(a, new Generator(3)), oneStep, 7);

        assertEquals(List.of(), dead);
        assertFalse(alive.isEmpty());
        assertTrue(alive.stream().anyMatch(v -> v.startsWith("step 0: weight gradient of layer 0 is not exactly 0.0")),
                () -> String.join("\n", alive));
        assertTrue(alive.stream().anyMatch(v -> v.startsWith("step 0: weight gradient of layer 1 is not exactly 0.0")),
                () -> String.join("\n", alive));
    }

    @Example
    void theLnCCheckDetectsNonZeroLogits() {
        Architecture a = seedLikeArchitecture();
        List<String> alive = train(a, build(a, new Generator(3)), new SgdSchedule(1, true, 0.1, 0.0, false), 7);

        assertTrue(alive.stream().anyMatch(v -> v.startsWith("step 0: logits is not exactly 0.0")),
                () -> String.join("\n", alive));
        assertTrue(alive.stream().anyMatch(v -> v.startsWith("step 0: per-position loss is not exactly")),
                () -> String.join("\n", alive));
    }

    @Example
    void oneSmallWeightInTheLastLayerIsDetected() {
        // Death needs the last block's weights to be zero (its ReLU then blocks everything behind it); the
        // first layer's are not enough. Give the first layer N(0, 1) weights and the last a single weight of
        // 1e-3: its output is no longer 0, and the check must report the last layer's gradient.
        Architecture a = seedLikeArchitecture();
        Net net = buildZero(a);
        Init.normal_(net.weights().get(0), 0.0, 1.0, new Generator(5));
        Tensor last = net.weights().get(1);
        double[] oneWeight = new double[last.numel()];
        oneWeight[0] = 1e-3;
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            last.copyFrom(Tensor.wrap(oneWeight, DType.FLOAT64, last.shape()));
        }

        List<String> violations = train(a, net, new SgdSchedule(1, true, 0.1, 0.0, false), 7);

        assertTrue(violations.stream().anyMatch(v -> v.startsWith("step 0: weight gradient of layer 1 is not exactly")),
                () -> String.join("\n", violations));
    }
}
