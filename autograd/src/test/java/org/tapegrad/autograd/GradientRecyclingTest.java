package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.functional.Functional;
import org.tapegrad.autograd.ops.Matmul;

/**
 * {@link Node#recycle}, {@link Node#uninitializedGradientBuffer} and
 * {@link Node#uninitializedFloatGradientBuffer}: a rule hands back only a gradient the engine owns, its
 * doubles and its floats alike, and rules that take a buffer overwrite all of it, so nothing a user can see
 * changes.
 */
class GradientRecyclingTest {
    /** Large enough to be kept ({@link GradientBuffers#MIN_VALUES}). */
    private static final int SIZE = GradientBuffers.MIN_VALUES;

    /** y = x; its backward copies the gradient into a new array and recycles the one it was given. */
    private static final class Consuming extends Node {
        final List<double[]> given = new ArrayList<>();
        final boolean returnTheGivenArray;

        Consuming(Tensor x, boolean returnTheGivenArray) {
            super("consuming", x);
            this.returnTheGivenArray = returnTheGivenArray;
        }

        static Tensor apply(Consuming node, Tensor x) {
            return Autograd.record(x.detach().mul(1.0), node);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            given.add(g.storageArray());
            Tensor dx = returnTheGivenArray ? Tensor.wrap(g.storageArray(), g.dtype(), g.shape())
                    : Tensor.wrap(g.toDoubleArray(), g.dtype(), g.shape());
            recycle(g);
            return new Tensor[] {dx};
        }
    }

    /** y = x for a float32 x; its backward returns the gradient as new floats and recycles the one given. */
    private static final class ConsumingFloats extends Node {
        final List<float[]> given = new ArrayList<>();
        /** Whether each gradient given was held as floats only, with no double copy. */
        final List<Boolean> floatsOnly = new ArrayList<>();
        final boolean returnTheGivenArray;

        ConsumingFloats(Tensor x, boolean returnTheGivenArray) {
            super("consuming floats", x);
            this.returnTheGivenArray = returnTheGivenArray;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            floatsOnly.add(g.storage().doublesIfMade() == null);
            float[] floats = g.storageFloats();
            given.add(floats);
            Tensor dx = Tensor.wrapFloats(returnTheGivenArray ? floats : floats.clone(), g.shape());
            recycle(g);
            return new Tensor[] {dx};
        }
    }

    /**
     * relu(ConsumingFloats(x)) for a float32 leaf x of {@link #SIZE} values: the node's output is held as
     * floats, so ReLU runs its float route and, from a seed held as floats, gives the node a gradient of its
     * own held as floats only.
     */
    private static Tensor floatChain(ConsumingFloats node, Tensor x) {
        return Autograd.record(Tensor.wrapFloats(x.toFloatArray(), SIZE), node).relu();
    }

    private static Tensor floatOnes() {
        float[] ones = new float[SIZE];
        Arrays.fill(ones, 1f);
        return Tensor.wrapFloats(ones, SIZE);
    }

    private static Tensor floatLeaf() {
        float[] values = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            values[i] = (float) Math.sin(i);
        }
        return Tensor.wrapFloats(values, SIZE).requiresGrad(true);
    }

    private static Tensor leaf() {
        double[] values = new double[SIZE];
        for (int i = 0; i < SIZE; i++) {
            values[i] = Math.sin(i) / 4;
        }
        return Tensor.of(values, SIZE).requiresGrad(true);
    }

    @Test
    void anOwnedGradientThatARuleRecyclesBacksTheNextBufferOfItsSize() {
        Tensor x = leaf();
        Consuming node = new Consuming(x, false);
        Tensor z = Consuming.apply(node, x).exp();
        z.sum().backward(); // exp's backward makes the gradient Consuming receives: the engine's own
        assertSame(node.given.get(0), GradientBuffers.take(SIZE));
        assertArrayEquals(z.toDoubleArray(), x.grad().toDoubleArray(), 0.0, "d/dx Σ exp(x) = exp(x)");
    }

    @Test
    void anOwnedGradientHeldAsFloatsBacksTheNextFloatBufferOfItsSize() {
        Tensor x = floatLeaf();
        ConsumingFloats node = new ConsumingFloats(x, false);
        Tensor y = floatChain(node, x);
        // ReLU's backward writes its input gradient as floats from a float seed: the engine's own
        y.backward(floatOnes());
        assertTrue(node.floatsOnly.get(0), "the gradient was held as floats only");
        assertSame(node.given.get(0), GradientBuffers.takeFloats(SIZE));
        double[] dx = x.grad().toDoubleArray();
        for (int i = 0; i < SIZE; i++) {
            assertEquals(Math.sin(i) > 0 ? 1.0 : 0.0, dx[i], 0.0, "d relu(x)/dx at " + i);
        }
    }

    @Test
    void recyclingAFloatGradientThatIsAlsoReturnedIsAnError() {
        Tensor x = floatLeaf();
        ConsumingFloats node = new ConsumingFloats(x, true);
        Tensor y = floatChain(node, x);
        Tensor seed = floatOnes();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.backward(seed));
        assertEquals("consuming floats: backward recycled the output gradient but returned a gradient over its "
                + "memory", e.getMessage());
    }

    @Test
    void aGradientAHookHasSeenIsNotRecycled() {
        Tensor x = leaf();
        Consuming node = new Consuming(x, false);
        Tensor y = Consuming.apply(node, x);
        List<Tensor> seen = new ArrayList<>();
        y.registerHook(g -> {
            seen.add(g);
            return null;
        });
        Tensor z = y.exp();
        z.sum().backward();
        double[] taken = GradientBuffers.take(SIZE);
        assertNotSame(node.given.get(0), taken);
        Arrays.fill(taken, Double.NaN); // as a later rule would overwrite it
        assertArrayEquals(z.toDoubleArray(), seen.get(0).toDoubleArray(), 0.0, "what the hook kept is intact");
    }

    @Test
    void theCallersSeedGradientIsNotRecycled() {
        Tensor x = leaf();
        Consuming node = new Consuming(x, false);
        Tensor seed = Tensor.ones(DType.FLOAT64, SIZE);
        Consuming.apply(node, x).backward(seed);
        assertSame(seed.storageArray(), node.given.get(0));
        assertNotSame(seed.storageArray(), GradientBuffers.take(SIZE));
    }

    @Test
    void recyclingAGradientThatIsAlsoReturnedIsAnError() {
        Tensor x = leaf();
        Consuming node = new Consuming(x, true);
        Tensor z = Consuming.apply(node, x).exp();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> z.sum().backward());
        assertEquals("consuming: backward recycled the output gradient but returned a gradient over its memory",
                e.getMessage());
    }

    @Test
    void recyclingAGradientAndReturningItAsItIsIsAnError() {
        Tensor x = leaf();
        Node passThrough = new Node("pass-through", x) {
            @Override
            protected Tensor[] backward(Tensor g) {
                recycle(g);
                return new Tensor[] {g};
            }
        };
        Tensor z = Autograd.record(x.detach().mul(1.0), passThrough).exp();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> z.sum().backward());
        assertEquals("pass-through: backward recycled the output gradient but returned a gradient over its memory",
                e.getMessage());
    }

    @Test
    void aStridedConvolutionsInputGradientOverwritesEveryValueOfARecycledBuffer() {
        // a float32 stride-2 convolution writes dx through phases, into a buffer that may hold anything
        Generator gen = new Generator(7);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 8, 16, 16, 16);
        Tensor w = Tensor.randn(gen, DType.FLOAT32, 32, 16, 3, 3).mul(0.1);
        Tensor g = Tensor.randn(gen, DType.FLOAT32, 8, 32, 8, 8);
        for (boolean asFloats : new boolean[] {false, true}) {
            checkTakesAndOverwritesARecycledBuffer("convolution", x, w, g, asFloats,
                    (in, weight) -> Functional.conv2d(in, weight, null, 2, 1));
        }
    }

    @Test
    void aLinearLayersInputGradientOverwritesEveryValueOfARecycledBuffer() {
        Generator gen = new Generator(8);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 64, SIZE / 64);
        Tensor w = Tensor.randn(gen, DType.FLOAT32, 10, SIZE / 64).mul(0.1);
        Tensor g = Tensor.randn(gen, DType.FLOAT32, 64, 10);
        for (boolean asFloats : new boolean[] {false, true}) {
            checkTakesAndOverwritesARecycledBuffer("linear layer", x, w, g, asFloats,
                    (in, weight) -> Matmul.linear(in, weight, null));
        }
    }

    /**
     * {@code op(x, w)} for the float32 values of {@code x}, held as floats (whose input gradient is then
     * written as floats) or as doubles, backward from {@code g}: its input gradient takes the recycled array
     * of its kind, filled with NaN, overwrites every value of it, and agrees with float64.
     */
    private static void checkTakesAndOverwritesARecycledBuffer(String what, Tensor values, Tensor w, Tensor g,
            boolean asFloats, BinaryOperator<Tensor> op) {
        Tensor x = asFloats ? Tensor.wrapFloats(values.toFloatArray(), values.shape()) : values.detach();
        x.requiresGrad(true);
        Object poisoned;
        if (asFloats) {
            float[] floats = new float[x.numel()];
            Arrays.fill(floats, Float.NaN);
            GradientBuffers.give(floats);
            poisoned = floats;
        } else {
            double[] doubles = new double[x.numel()];
            Arrays.fill(doubles, Double.NaN);
            GradientBuffers.give(doubles);
            poisoned = doubles;
        }
        op.apply(x, w).backward(g);
        Object taken = asFloats ? x.grad().storageFloats() : x.grad().storageArray();
        // compared by identity, not with assertSame, whose failure would print every value of both arrays
        assertTrue(poisoned == taken, "the " + what + " took the recycled buffer (held as floats: " + asFloats + ")");

        Tensor x64 = x.detach().to(DType.FLOAT64).requiresGrad(true);
        op.apply(x64, w.to(DType.FLOAT64)).backward(g.to(DType.FLOAT64));
        assertClose(x64.grad().toDoubleArray(), x.grad().toDoubleArray());
    }

    /** Float32 against float64, at the tolerance of the float32 golden cases. */
    private static void assertClose(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-5 + 1e-4 * Math.abs(expected[i]);
            int at = i;
            assertTrue(Math.abs(actual[i] - expected[i]) <= tolerance,
                    () -> "element " + at + ": expected " + expected[at] + " but got " + actual[at]);
        }
    }
}
