package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.testing.Tolerances;

/** 0-d tensors (shape []) hold one value and go through ops and backward like any other tensor. */
class ZeroDimensionalTensorTest {

    @Test
    void scalarHasNoDimensionsAndOneElement() {
        Tensor s = Tensor.scalar(2.5, DType.FLOAT64);
        assertEquals(0, s.dim());
        assertEquals(1, s.numel());
        assertArrayEquals(new int[0], s.shape());
        assertEquals(2.5, s.item());
        assertEquals(2.5, s.get());
    }

    @Test
    void pointwiseAndArithmeticOpsKeepTheShapeAndBackpropagate() {
        Tensor x = Tensor.scalar(0.5, DType.FLOAT64).requiresGrad(true);
        Tensor y = x.mul(x).exp().add(x.tanh()).div(2.0);
        assertArrayEquals(new int[0], y.shape());
        y.backward();
        assertArrayEquals(new int[0], x.grad().shape());
        double t = Math.tanh(0.5);
        assertEquals((2 * 0.5 * Math.exp(0.25) + 1 - t * t) / 2, x.grad().item(), Tolerances.FLOAT64_TIGHT);
    }

    @Test
    void scalarBroadcastsAgainstATensorAndReceivesTheSummedGradient() {
        Tensor s = Tensor.scalar(3.0, DType.FLOAT64).requiresGrad(true);
        Tensor v = Tensor.of(new double[] {1, 2, 4}, 3).requiresGrad(true);
        s.mul(v).sum().backward();
        assertEquals(7.0, s.grad().item());
        assertArrayEquals(new double[] {3, 3, 3}, v.grad().toDoubleArray());
    }

    @Test
    void reductionsViewsAndSoftmaxAcceptZeroDimensionalInputs() {
        Tensor x = Tensor.scalar(1.5, DType.FLOAT64).requiresGrad(true);
        assertArrayEquals(new int[0], x.sum().shape());
        assertArrayEquals(new int[0], x.sum(0, false).shape());
        assertArrayEquals(new int[0], x.mean(-1, true).shape());
        assertEquals(1.0, x.softmax(0).item());
        assertArrayEquals(new int[] {1}, x.unsqueeze(0).shape());
        assertArrayEquals(new int[] {1}, x.flatten().shape());
        assertArrayEquals(new int[0], x.reshape().shape());
        assertArrayEquals(new int[0], x.unsqueeze(0).squeeze(0).shape());
        assertArrayEquals(new int[] {3}, x.expand(3).shape());
        assertArrayEquals(new int[] {2}, Tensor.stack(List.of(x, x), 0).shape());
        assertEquals(1.5, x.max().item());
        x.expand(3).sum().add(x.unsqueeze(0).squeeze().mul(2)).backward();
        assertEquals(5.0, x.grad().item());
    }

    @Test
    void vectorDotProductIsZeroDimensional() {
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {4, 5, 6}, 3);
        Tensor d = a.matmul(b);
        assertArrayEquals(new int[0], d.shape());
        assertEquals(32.0, d.item());
        d.backward();
        assertArrayEquals(new double[] {4, 5, 6}, a.grad().toDoubleArray());
    }
}
