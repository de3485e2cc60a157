package org.tapegrad.nn.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sigmoid;
import org.tapegrad.nn.Tanh;

/**
 * The inspector on random stacks {@code fc0 → act → fc1 → act → … → fc(d−1)} (no nonlinearity after the last
 * layer, whose outputs are the logits of a cross entropy): Kaiming-initialised ReLU stacks are never called dead
 * or symmetric, and in zero-initialised stacks exactly the layers whose gradients are all zero are called dead.
 */
class GradientFlowProperties {
    private static final int TRIES = 25;

    enum Activation {
        RELU(ReLU::new), TANH(Tanh::new), SIGMOID(Sigmoid::new);

        final Supplier<Module> make;

        Activation(Supplier<Module> make) {
            this.make = make;
        }
    }

    /**
     * A stack: {@code sizes} are the input width and the hidden widths (one per layer, so the depth is
     * {@code sizes.size()}), then {@code classes} outputs.
     */
    record Stack(List<Integer> sizes, int classes, int batch, Activation activation, DType dtype, long seed) {
    }

    /** The model and its Linear layers, for an independent look at their gradients. */
    record Built(Module model, List<Linear> layers) {
    }

    private static Built build(Stack s, SeedNets.Fill fill) {
        Generator g = new Generator(s.seed());
        SeedNets.Chain chain = new SeedNets.Chain();
        List<Linear> layers = new ArrayList<>();
        int depth = s.sizes().size();
        for (int i = 0; i < depth; i++) {
            int out = i + 1 < depth ? s.sizes().get(i + 1) : s.classes();
            Linear fc = Linear.builder(s.sizes().get(i), out).bias(false).dtype(s.dtype()).generator(g).build();
            fill.accept(fc.weight(), g);
            chain.add("fc" + i, fc);
            layers.add(fc);
            if (i + 1 < depth) {
                chain.add("act" + i, s.activation().make.get());
            }
        }
        return new Built(chain, layers);
    }

    private static GradientFlowReport inspect(Stack s, Module model) {
        Generator g = new Generator(s.seed() + 1);
        return GradientFlowInspector.inspect(model, Tensor.randn(g, s.dtype(), s.batch(), s.sizes().get(0)),
                SeedNets.labels(s.batch(), s.classes(), g), SeedNets.CROSS_ENTROPY);
    }

    private static Arbitrary<Stack> stacks(Arbitrary<Activation> activations) {
        return Combinators.combine(Arbitraries.integers().between(8, 64).list().ofMinSize(2).ofMaxSize(6),
                Arbitraries.integers().between(2, 10), Arbitraries.integers().between(2, 16), activations,
                Arbitraries.of(DType.FLOAT32, DType.FLOAT64), Arbitraries.longs()).as(Stack::new);
    }

    @Provide
    Arbitrary<Stack> reluStacks() {
        return stacks(Arbitraries.just(Activation.RELU));
    }

    @Provide
    Arbitrary<Stack> anyStacks() {
        return stacks(Arbitraries.of(Activation.class));
    }

    @Property(tries = TRIES)
    void kaimingReluStacksAreNeverDeadOrSymmetric(@ForAll("reluStacks") Stack stack) {
        GradientFlowReport report = inspect(stack, build(stack, SeedNets.KAIMING).model());
        for (LayerVerdict v : report.verdicts()) {
            assertNotEquals(Verdict.DEAD, v.verdict(), report.toTable());
            assertFalse(v.has(Verdict.SYMMETRIC), report.toTable());
        }
    }

    @Property(tries = TRIES)
    void zeroInitialisedStacksAreDeadExactlyWhereEveryGradientIsZero(@ForAll("anyStacks") Stack stack) {
        Built built = build(stack, SeedNets.ZEROS);
        GradientFlowReport report = inspect(stack, built.model());
        int depth = built.layers().size();
        for (int i = 0; i < depth; i++) {
            Tensor grad = built.layers().get(i).weight().grad();
            boolean allZero = grad == null || TensorSummary.of(Kernels.rowMajor(grad)).allZero();
            assertEquals(allZero, report.verdicts().get(i).verdict() == Verdict.DEAD, report.toTable());
        }
        if (stack.activation() == Activation.SIGMOID) {
            // σ(0) = 1/2: the last layer sees an input of halves, so its gradient is ½·Σ_samples (softmax − onehot)
            // in every column, zero only when the batch's labels are balanced (checked above either way). Nothing
            // flows back through its zero weights, so every layer below it is dead.
            for (int i = 0; i < depth - 1; i++) {
                assertEquals(Verdict.DEAD, report.verdicts().get(i).verdict(), report.toTable());
                assertTrue(report.verdicts().get(i).reason().endsWith("nothing flows back through fc" + (depth - 1)
                        + "'s zero weights"), report.verdicts().get(i).reason());
            }
        } else {
            // relu(0) = tanh(0) = 0: every layer above fc0 sees zeros, and fc0 gets no gradient back.
            for (int i = 0; i < depth; i++) {
                LayerVerdict v = report.verdicts().get(i);
                assertEquals(Verdict.DEAD, v.verdict(), report.toTable());
                String expected = i == 0 ? "fc0's weights are zero and no gradient reaches its output"
                        : "input to fc" + i + " is all zeros because fc0's weights are zero";
                assertTrue(v.reason().startsWith(expected), v.reason());
            }
        }
    }
}
