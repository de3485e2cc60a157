package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What the user of backward can rely on, as in PyTorch: the errors of misuse and what they say,
 * which tensors get a {@code .grad}, freeing and retaining the graph, detection of in-place changes to
 * saved tensors, detach, hooks, zeroGrad and the relu convention at 0.
 */
class AutogradSemanticsTest {

    private static Tensor leaf(double... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    // ------------------------------------------------------------------ misuse of backward

    @Test
    void backwardOnANonScalarWithoutAGradientIsAnErrorThatSaysSo() {
        Tensor y = leaf(1, 2, 3).mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("backward"), e.getMessage());
        assertTrue(e.getMessage().contains("only for scalar outputs"), e.getMessage());
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void backwardWithAGradientOfTheWrongShapeNamesBothShapes() {
        Tensor y = leaf(1, 2, 3).mul(2);
        ShapeException e = assertThrows(ShapeException.class, () -> y.backward(Tensor.ones(DType.FLOAT64, 2)));
        assertTrue(e.getMessage().contains("backward"), e.getMessage());
        assertTrue(e.getMessage().contains("gradient has shape [2]"), e.getMessage());
        assertTrue(e.getMessage().contains("output has shape [3]"), e.getMessage());
    }

    @Test
    void backwardWithAGradientOfTheWrongDtypeNamesBothTypes() {
        Tensor y = leaf(1, 2, 3).mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> y.backward(Tensor.ones(DType.FLOAT32, 3)));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
        assertTrue(e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void backwardOnATensorThatDoesNotRequireGradSaysHowToFixIt() {
        Tensor y = Tensor.of(new double[] {1, 2}, 2).sum();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        assertTrue(e.getMessage().contains("requiresGrad"), e.getMessage());
    }

    @Test
    void backwardWithAnExplicitGradientWeighsTheOutputs() {
        Tensor x = leaf(1, 2, 3);
        x.mul(x).backward(Tensor.of(new double[] {1, 0, -1}, 3));
        assertArrayEquals(new double[] {2, 0, -6}, x.grad().toDoubleArray());
    }

    // ------------------------------------------------------------------ which tensors get .grad

    @Test
    void nonLeafTensorsHaveNoGradUnlessTheyRetainIt() {
        Tensor x = leaf(1, 2);
        Tensor hidden = x.mul(3);
        Tensor retained = x.mul(5).retainGrad();
        hidden.add(retained).mul(x).sum().backward();
        assertNull(hidden.grad());
        assertFalse(hidden.retainsGrad());
        assertTrue(retained.retainsGrad());
        assertArrayEquals(new double[] {1, 2}, retained.grad().toDoubleArray());
        assertNotNull(x.grad());
    }

    @Test
    void onlyLeavesThatRequireGradReceiveAGradient() {
        Tensor x = leaf(1, 2);
        Tensor constant = Tensor.of(new double[] {3, 4}, 2);
        x.mul(constant).sum().backward();
        assertNull(constant.grad());
        assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray());
    }

    // ------------------------------------------------------------------ freeing and retaining the graph

    @Test
    void backwardFreesTheSavedTensorsAndASecondBackwardAsksForRetainGraph() {
        Tensor x = leaf(1, 2);
        Tensor product = x.mul(x);
        Tensor loss = product.exp().sum();
        loss.backward();
        assertTrue(product.gradFn().isReleased());
        assertTrue(loss.gradFn().isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("backward through the graph a second time"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph = true"), e.getMessage());
    }

    @Test
    void retainGraphKeepsTheSavedTensorsAndTheSecondBackwardAccumulates() {
        Tensor x = leaf(1, 2);
        Tensor loss = x.mul(x).exp().sum();
        loss.backward(null, true);
        assertFalse(loss.gradFn().isReleased());
        double[] once = x.grad().toDoubleArray();
        loss.backward();
        assertArrayEquals(new double[] {2 * once[0], 2 * once[1]}, x.grad().toDoubleArray());
        assertTrue(loss.gradFn().isReleased());
    }

    // ------------------------------------------------------------------ in-place changes

    @Test
    void modifyingATensorSavedForBackwardInPlaceIsReportedWithOpShapeAndVersions() {
        Tensor x = leaf(1, 2, 3);
        Tensor c = Tensor.of(new double[] {4, 5, 6}, 3);
        Tensor loss = x.mul(c).sum();
        c.mulInPlace(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("mul:"), e.getMessage());
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
        assertTrue(e.getMessage().contains("float64 [3]"), e.getMessage());
        assertTrue(e.getMessage().contains("is at version 1"), e.getMessage());
        assertTrue(e.getMessage().contains("expected version 0"), e.getMessage());
    }

    @Test
    void modifyingASavedLeafInPlaceUnderNoGradIsStillDetected() {
        Tensor x = leaf(0.5, -1.0);
        Tensor loss = x.abs().sum();
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            x.addInPlace(1.0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("abs:"), e.getMessage());
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void modifyingAViewOfASavedTensorIsDetectedBecauseViewsShareTheVersionCounter() {
        Tensor x = leaf(1, 2, 3, 4);
        Tensor c = Tensor.of(new double[] {1, 2, 3, 4}, 4);
        Tensor loss = x.mul(c).sum();
        c.reshape(2, 2).narrow(0, 1, 1).fill(0.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("expected version 0"), e.getMessage());
    }

    @Test
    void everyOpThatReadsItsInputInBackwardDetectsInPlaceChangesOfIt() {
        List<UnaryOperator<Tensor>> ops = List.of(Tensor::log, Tensor::abs, t -> t.leakyRelu(0.1), t -> t.pow(3), Tensor::var,
                Tensor::std, Tensor::max, Tensor::min, t -> t.mul(t), t -> Tensor.of(new double[] {1, 2, 3}, 3).div(t),
                t -> t.matmul(t), t -> t.unsqueeze(0).matmul(t.unsqueeze(1)));
        for (int i = 0; i < ops.size(); i++) {
            Tensor x = leaf(1, 2, 3);
            Tensor y = ops.get(i).apply(x);
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                x.mulInPlace(2.0);
            }
            Tensor loss = y.sum();
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward,
                    "op " + i + " (" + y.gradFn().name() + ") did not detect the in-place change");
            assertTrue(e.getMessage().contains("in-place"), e.getMessage());
        }
    }

    @Test
    void opsWhoseBackwardReadsOnlyTheirOutputDoNotHoldTheirInput() {
        // As in PyTorch: exp, sqrt, tanh, sigmoid and relu save their result, not their input, so changing
        // the input afterwards neither blocks nor changes their gradient.
        List<UnaryOperator<Tensor>> ops = List.of(Tensor::exp, Tensor::sqrt, Tensor::tanh, Tensor::sigmoid, Tensor::relu);
        for (UnaryOperator<Tensor> op : ops) {
            Tensor x = leaf(1, 2, 3);
            Tensor y = op.apply(x);
            double[] expected = expectedGradientOfSum(op);
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                x.mulInPlace(2.0);
            }
            y.sum().backward();
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12,
                    y.gradFn().name());
        }
    }

    private static double[] expectedGradientOfSum(UnaryOperator<Tensor> op) {
        Tensor fresh = leaf(1, 2, 3);
        op.apply(fresh).sum().backward();
        return fresh.grad().toDoubleArray();
    }

    @Test
    void opsThatReadTheirOutputInBackwardDetectInPlaceChangesOfIt() {
        List<UnaryOperator<Tensor>> ops = List.of(t -> t.softmax(0), t -> t.logSoftmax(0), Tensor::exp, Tensor::std,
                t -> Tensor.of(new double[] {1, 2, 3}, 3).div(t));
        for (UnaryOperator<Tensor> op : ops) {
            Tensor y = op.apply(leaf(1, 2, 3));
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                y.mulInPlace(2.0);
            }
            Tensor loss = y.mul(y.detach()).sum();
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward,
                    y.gradFn().name() + " did not detect the in-place change of its output");
            assertTrue(e.getMessage().startsWith(y.gradFn().name() + ":"), e.getMessage());
        }
    }

    @Test
    void inPlaceOperationOnALeafThatRequiresGradIsRefusedOutsideNoGrad() {
        Tensor w = leaf(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.addInPlace(1.0));
        assertTrue(e.getMessage().startsWith("addInPlace:"), e.getMessage());
        assertTrue(e.getMessage().contains("leaf"), e.getMessage());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        assertTrue(e.getMessage().contains("GradMode.noGrad()"), e.getMessage());
        assertArrayEquals(new double[] {1, 2}, w.toDoubleArray(), "a refused update must not change the values");
        assertEquals(0, w.version());
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            w.subInPlace(Tensor.of(new double[] {0.5, 0.5}, 2));
        }
        assertArrayEquals(new double[] {0.5, 1.5}, w.toDoubleArray());
        assertEquals(1, w.version());
    }

    @Test
    void inPlaceOperationOnANonLeafThatRequiresGradIsRefused() {
        Tensor y = leaf(1, 2).mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.mulInPlace(3.0));
        assertTrue(e.getMessage().startsWith("mulInPlace:"), e.getMessage());
        assertTrue(e.getMessage().contains("out-of-place"), e.getMessage());
    }

    // ------------------------------------------------------------------ detach

    @Test
    void detachSharesStorageAndRecordsNothing() {
        Tensor x = leaf(1, 2, 3);
        Tensor d = x.detach();
        assertTrue(d.sharesStorageWith(x));
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        Tensor y = d.mul(2).exp();
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        d.fill(7.0);
        assertArrayEquals(new double[] {7, 7, 7}, x.toDoubleArray());
    }

    @Test
    void detachOfAnIntermediateCutsTheGraphThere() {
        Tensor x = leaf(1, 2);
        Tensor a = x.mul(3);
        a.detach().mul(x).sum().backward();
        assertArrayEquals(new double[] {3, 6}, x.grad().toDoubleArray());
    }

    // ------------------------------------------------------------------ hooks

    @Test
    void hookSeesTheGradientOfTheTensor() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(x);
        List<double[]> seen = new ArrayList<>();
        y.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return null;
        });
        y.mul(Tensor.of(new double[] {3, 4}, 2)).sum().backward();
        assertEquals(1, seen.size());
        assertArrayEquals(new double[] {3, 4}, seen.get(0));
        assertArrayEquals(new double[] {6, 16}, x.grad().toDoubleArray());
    }

    @Test
    void hookCanReplaceTheGradientThatFlowsOn() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(x);
        y.registerHook(g -> g.mul(10));
        y.sum().backward();
        assertArrayEquals(new double[] {20, 40}, x.grad().toDoubleArray());
    }

    @Test
    void hookOnALeafReplacesWhatIsAccumulated() {
        Tensor x = leaf(1, 2);
        x.registerHook(g -> g.neg());
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {-3, -3}, x.grad().toDoubleArray());
    }

    @Test
    void removedHookIsNoLongerCalled() {
        Tensor x = leaf(1, 2);
        int[] calls = {0};
        HookHandle handle = x.registerHook(g -> {
            calls[0]++;
            return g.mul(100);
        });
        x.mul(3).sum().backward();
        assertEquals(1, calls[0]);
        handle.remove();
        handle.remove();
        x.zeroGrad();
        x.mul(3).sum().backward();
        assertEquals(1, calls[0]);
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray());
    }

    @Test
    void hookReturningAGradientOfTheWrongShapeIsReported() {
        Tensor x = leaf(1, 2);
        x.registerHook(g -> Tensor.ones(DType.FLOAT64, 3));
        Tensor loss = x.mul(3).sum();
        ShapeException e = assertThrows(ShapeException.class, loss::backward);
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    // ------------------------------------------------------------------ zeroGrad, relu at 0

    @Test
    void zeroGradSetsTheGradientToNull() {
        Tensor x = leaf(1, 2);
        x.mul(2).sum().backward();
        assertNotNull(x.grad());
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(2).sum().backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray(), "after zeroGrad nothing old accumulates");
    }

    @Test
    void reluGradientAtExactlyZeroIsZero() {
        Tensor x = leaf(-1, 0, 1);
        x.relu().sum().backward();
        assertArrayEquals(new double[] {0, 0, 1}, x.grad().toDoubleArray());
        Tensor z = Tensor.scalar(0.0, DType.FLOAT32).requiresGrad(true);
        z.relu().backward();
        assertEquals(0.0, z.grad().item());
    }

    @Test
    void absGradientAtExactlyZeroIsZero() {
        Tensor x = leaf(-2, 0, 2);
        x.abs().sum().backward();
        assertArrayEquals(new double[] {-1, 0, 1}, x.grad().toDoubleArray());
    }

    @Test
    void gradientOfAFloat32LeafIsFloat32() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        x.to(DType.FLOAT64).mul(x.to(DType.FLOAT64)).sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray());
    }

    @Test
    void requiresGradCannotBeChangedOnANonLeaf() {
        Tensor y = leaf(1).mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().contains("detach()"), e.getMessage());
        assertTrue(y.detach().requiresGrad(true).isLeaf());
    }
}
