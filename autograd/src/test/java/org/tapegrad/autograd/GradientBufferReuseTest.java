package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Node#elementwiseGradientBuffer}: a backward rule overwrites its incoming gradient only when the
 * engine holds the only reference to it, so nothing a user can see changes.
 */
class GradientBufferReuseTest {

    /** y = 2·x, whose backward records whether it was handed the incoming gradient's array to write into. */
    private static final class Doubling extends Node {
        final List<Boolean> reused = new ArrayList<>();

        Doubling(Tensor x) {
            super("doubling", x);
        }

        static Tensor apply(Doubling node, Tensor x) {
            return Autograd.record(x.detach().mul(2.0), node);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            double[] gs = g.toDoubleArray();
            double[] dx = elementwiseGradientBuffer(g);
            reused.add(dx == g.storageArray());
            for (int i = 0; i < dx.length; i++) {
                dx[i] = 2 * gs[i];
            }
            return new Tensor[] {Tensor.wrap(dx, g.dtype(), g.shape())};
        }
    }

    private static Tensor leaf() {
        return Tensor.of(new double[] {-1.5, 0.5, 2.0, 3.0}, 2, 2).requiresGrad(true);
    }

    /** d/dx Σ exp(2x) = 2·exp(2x). */
    private static void assertGradientOfSumOfExpOfTwiceX(Tensor x) {
        double[] xs = x.toDoubleArray();
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expected[i] = 2 * Math.exp(2 * xs[i]);
        }
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void aGradientMadeDuringTheBackwardPassIsReusedInPlace() {
        Tensor x = leaf();
        Doubling node = new Doubling(x);
        Doubling.apply(node, x).exp().sum().backward();
        assertTrue(node.reused.get(0), "the gradient exp's backward made is owned by the engine");
        assertGradientOfSumOfExpOfTwiceX(x);
    }

    @Test
    void aGradientReshapedByTheBackwardPassIsStillReusedInPlace() {
        Tensor x = leaf();
        Doubling node = new Doubling(x);
        // reshape's backward hands on a view of exp's gradient: the only other tensor over that storage
        Doubling.apply(node, x).reshape(4).exp().sum().backward();
        assertTrue(node.reused.get(0), "the reshaped gradient is still the engine's own");
        assertGradientOfSumOfExpOfTwiceX(x);
    }

    @Test
    void aReshapedGradientAHookHasSeenIsNeverOverwritten() {
        Tensor x = leaf();
        Doubling node = new Doubling(x);
        Tensor flat = Doubling.apply(node, x).reshape(4);
        List<Tensor> seen = new ArrayList<>();
        flat.registerHook(g -> {
            seen.add(g);
            return null;
        });
        Tensor z = flat.exp();
        z.sum().backward();
        assertFalse(node.reused.get(0), "the hook may have kept the gradient the view was made of");
        assertArrayEquals(z.toDoubleArray(), seen.get(0).toDoubleArray(), 0.0);
    }

    @Test
    void aRetainedGradientKeepsItsValuesWhileTheEngineReusesItsOwnCopy() {
        Tensor x = leaf();
        Doubling node = new Doubling(x);
        Tensor y = Doubling.apply(node, x).retainGrad();
        Tensor z = y.exp();
        z.sum().backward();
        assertArrayEquals(z.toDoubleArray(), y.grad().toDoubleArray(), 0.0, "dz/dy = exp(y), not overwritten");
        assertTrue(node.reused.get(0));
    }

    @Test
    void aGradientAHookHasSeenIsNeverOverwritten() {
        Tensor x = leaf();
        Doubling node = new Doubling(x);
        Tensor y = Doubling.apply(node, x);
        List<Tensor> seen = new ArrayList<>();
        y.registerHook(g -> {
            seen.add(g);
            return null;
        });
        Tensor z = y.exp();
        z.sum().backward();
        assertFalse(node.reused.get(0), "a hook may keep the gradient");
        assertArrayEquals(z.toDoubleArray(), seen.get(0).toDoubleArray(), 0.0);
    }

    @Test
    void theCallersSeedGradientIsNeverOverwritten() {
        Tensor x = leaf();
        Doubling node = new Doubling(x);
        Tensor seed = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Doubling.apply(node, x).backward(seed);
        assertFalse(node.reused.get(0));
        assertArrayEquals(new double[] {1, 2, 3, 4}, seed.toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {2, 4, 6, 8}, x.grad().toDoubleArray(), 0.0);
    }

    @Test
    void batchNormAndReluBackwardGiveTheSameGradientsWhetherOrNotTheyReuseTheirInput() {
        Generator gen = new Generator(3);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 4, 3, 5, 5);
        Tensor weight = Tensor.randn(gen, DType.FLOAT32, 3);
        Tensor bias = Tensor.randn(gen, DType.FLOAT32, 3);
        double[] reused = inputGradient(x, weight, bias, false);
        double[] fresh = inputGradient(x, weight, bias, true);
        assertArrayEquals(fresh, reused, 0.0);
    }

    /** d/dx Σ exp(relu(bn(x))·0.5), the gradients owned by the engine unless a hook has seen them. */
    private static double[] inputGradient(Tensor x, Tensor weight, Tensor bias, boolean hooks) {
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor normalised = org.tapegrad.autograd.functional.Functional.batchNorm(leaf, null, null, weight, bias,
                true);
        Tensor activated = normalised.relu();
        if (hooks) {
            normalised.registerHook(g -> null);
            activated.registerHook(g -> null);
        }
        activated.mul(0.5).exp().sum().backward();
        return leaf.grad().toDoubleArray();
    }

    @Test
    void reluChainsGiveTheSameGradientsAsWithoutReuse() {
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0.25, 1, 3, -1}, 6).requiresGrad(true);
        x.mul(3.0).relu().mul(-1.0).add(2.0).relu().exp().sum().backward();
        double[] xs = x.toDoubleArray();
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double a = Math.max(3 * xs[i], 0);
            double b = 2 - a;
            // d/dx exp(relu(2 − relu(3x))) = exp(b)·[b > 0]·(−1)·[3x > 0]·3
            expected[i] = b > 0 && a > 0 ? -3 * Math.exp(b) : 0;
        }
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12);
    }
}
