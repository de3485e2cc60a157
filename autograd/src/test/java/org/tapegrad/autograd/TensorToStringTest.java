package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code toString} prints the values as PyTorch does, then the shape and the dtype (and the grad_fn or
 * requires_grad), and abbreviates tensors of more than 1000 elements with "...".
 */
class TensorToStringTest {

    @Test
    void printsValuesShapeAndDtype() {
        assertEquals("tensor([1., 2., 3.], shape=[3], dtype=float32)", Tensor.arange(1, 4, 1, DType.FLOAT32).toString());
        assertEquals("tensor([[0.5000, 1.2500],\n        [2.0000, 3.0000]], shape=[2, 2], dtype=float64)",
                Tensor.of(new double[] {0.5, 1.25, 2, 3}, 2, 2).toString());
    }

    @Test
    void zeroDimensionalTensorPrintsItsValue() {
        assertEquals("tensor(2.5000, shape=[], dtype=float64)", Tensor.scalar(2.5, DType.FLOAT64).toString());
    }

    @Test
    void printsTheGradFnOrRequiresGrad() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        assertTrue(x.toString().endsWith(", requires_grad=True)"), x.toString());
        assertTrue(x.mul(2).toString().endsWith(", grad_fn=<mul>)"), x.mul(2).toString());
    }

    @Test
    void veryLargeOrSmallValuesUseScientificNotationAndNonFiniteOnesTheirNames() {
        String s = Tensor.of(new double[] {1e-6, 2.5e9}, 2).toString();
        assertTrue(s.contains("1.0000e-06") && s.contains("2.5000e+09"), s);
        String inf = Tensor.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1}, 3).toString();
        assertTrue(inf.startsWith("tensor([nan, inf, -1.]"), inf);
    }

    @Test
    void aTensorOfAThousandElementsIsPrintedInFull() {
        String s = Tensor.arange(1000).toString();
        assertFalse(s.contains("..."), s);
        assertTrue(s.contains(" 500.,"), s);
        assertTrue(s.endsWith("999.], shape=[1000], dtype=float32)"), s);
    }

    @Test
    void tensorsOverAThousandElementsAreAbbreviatedWithEllipses() {
        String s = Tensor.arange(1001).toString();
        assertEquals("tensor([0., 1., 2., ..., 998., 999., 1000.], shape=[1001], dtype=float32)", s);
        String m = Tensor.arange(0, 40 * 30, 1, DType.FLOAT64).reshape(40, 30).toString();
        assertTrue(m.startsWith("tensor([[0., 1., 2., ..., 27., 28., 29.],\n        [30., 31., 32., ..., 57., 58., 59.]"),
                m);
        assertTrue(m.contains("...,\n"), m);
        assertFalse(m.contains(" 600."), m);
        assertTrue(m.endsWith("1197., 1198., 1199.]], shape=[40, 30], dtype=float64)"), m);
    }
}
