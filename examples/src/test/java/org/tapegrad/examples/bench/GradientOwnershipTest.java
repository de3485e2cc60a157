package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.Tensor;

/**
 * The engine keeps a leaf's first gradient without copying it only when nothing else can see it; in
 * every other case {@code .grad} must still be memory of its own, so that the next backward pass can
 * add into it in place without changing anything else.
 */
class GradientOwnershipTest {
    @Test
    void aGradientMadeForOneLeafByABackwardRuleBecomesItsGradWithoutACopy() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        List<Tensor> made = new ArrayList<>();
        Tensor y = custom(x, () -> {
            Tensor fresh = Tensor.of(new double[] {4, 5, 6}, 3);
            made.add(fresh);
            return fresh;
        });
        y.backward(Tensor.ones(DType.FLOAT64, 3));
        assertSame(made.get(0), x.grad());
    }

    @Test
    void aGradientMadeBeforeTheBackwardPassIsCopied() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor constant = Tensor.of(new double[] {4, 5, 6}, 3);
        Tensor y = custom(x, () -> constant);
        y.backward(Tensor.ones(DType.FLOAT64, 3), true);
        y.backward(Tensor.ones(DType.FLOAT64, 3));
        assertArrayEquals(new double[] {8, 10, 12}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {4, 5, 6}, constant.toDoubleArray(), "the rule's constant is untouched");
    }

    @Test
    void oneGradientHandedToTwoLeavesGivesEachItsOwnCopy() {
        Tensor a = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {3, 4}, 2).requiresGrad(true);
        Tensor c = Tensor.of(new double[] {5, 7}, 2);
        // add's backward hands the same tensor (mul's fresh g·c) to both of its inputs
        Tensor loss = a.add(b).mul(c).sum();
        loss.backward(null, true);
        assertNotSame(a.grad(), b.grad());
        assertFalse(a.grad().sharesStorageWith(b.grad()));
        loss.backward();
        assertArrayEquals(new double[] {10, 14}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {10, 14}, b.grad().toDoubleArray());
    }

    @Test
    void theCallersGradientIsNeverKept() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor upstream = Tensor.of(new double[] {3, 4}, 2);
        Tensor y = x.add(Tensor.zeros(DType.FLOAT64, 2));
        y.backward(upstream, true);
        y.backward(upstream);
        assertArrayEquals(new double[] {6, 8}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {3, 4}, upstream.toDoubleArray());
    }

    @Test
    void aGradientAHookHasSeenIsCopied() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {3, 4}, 2);
        List<Tensor> seen = new ArrayList<>();
        x.registerHook(g -> {
            seen.add(g);
            return null;
        });
        Tensor loss = x.mul(w).sum();
        loss.backward(null, true);
        loss.backward();
        assertArrayEquals(new double[] {6, 8}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {3, 4}, seen.get(0).toDoubleArray(), "what the hook kept is unchanged");
    }

    /** y = x, with a backward rule that returns {@code gradient.get()} as x's gradient. */
    private static Tensor custom(Tensor x, java.util.function.Supplier<Tensor> gradient) {
        Tensor y = Tensor.of(x.toDoubleArray(), x.shape());
        return Autograd.record(y, new Node("custom", x) {
            @Override
            protected Tensor[] backward(Tensor g) {
                return new Tensor[] {gradient.get()};
            }
        });
    }
}
