package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.functional.TestTensors.EXACT;
import static org.tapegrad.autograd.functional.TestTensors.FLOAT32;
import static org.tapegrad.autograd.functional.TestTensors.assertClose;
import static org.tapegrad.autograd.functional.TestTensors.assertThrowsWithMessage;
import static org.tapegrad.autograd.functional.TestTensors.assertValues;
import static org.tapegrad.autograd.functional.TestTensors.uniform;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Tensor;

/** Hand-computed poolings and the error messages of {@link Functional#maxPool2d} and {@link Functional#avgPool2d}. */
class PoolingTest {

    private static Tensor oneToSixteen() {
        return Tensor.arange(1, 17, 1, DType.FLOAT64).reshape(1, 1, 4, 4).detach().requiresGrad(true);
    }

    @Test
    void maxPoolingPicksEachWindowsMaximumAndRoutesTheGradientThere() {
        Tensor x = oneToSixteen();
        Tensor y = Functional.maxPool2d(x, 2);
        assertValues(new double[] {6, 8, 14, 16}, y, EXACT);
        y.backward(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertValues(new double[] {0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4}, x.grad(), EXACT);
    }

    @Test
    void averagePoolingAveragesEachWindowAndSpreadsTheGradientEvenly() {
        Tensor x = oneToSixteen();
        Tensor y = Functional.avgPool2d(x, 2);
        assertValues(new double[] {3.5, 5.5, 11.5, 13.5}, y, EXACT);
        y.backward(Tensor.of(new double[] {4, 8, 12, 16}, 1, 1, 2, 2));
        assertValues(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, x.grad(), EXACT);
    }

    @Test
    void overlappingWindowsSharingAMaximumAccumulateItsGradient() {
        Tensor x = Tensor.of(new double[] {1, 2, 1, 2, 9, 2, 1, 2, 1}, 1, 1, 3, 3).requiresGrad(true);
        Tensor y = Functional.maxPool2d(x, 2, 1, 0);
        assertValues(new double[] {9, 9, 9, 9}, y, EXACT);
        y.backward(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertValues(new double[] {0, 0, 0, 0, 10, 0, 0, 0, 0}, x.grad(), EXACT);
    }

    @Test
    void maxPoolingPaddingIsMinusInfinitySoNegativeInputsNeverYieldZero() {
        Tensor x = Tensor.of(new double[] {-1, -2, -3, -4}, 1, 1, 2, 2);
        Tensor y = Functional.maxPool2d(x, 2, 1, 1);
        assertValues(new double[] {-1, -1, -2, -1, -1, -2, -3, -3, -4}, y, EXACT);
    }

    @Test
    void averagePoolingCountsPaddingInTheDivisor() {
        Tensor x = Tensor.ones(DType.FLOAT64, 1, 1, 2, 2);
        Tensor y = Functional.avgPool2d(x, 2, 1, 1);
        assertValues(new double[] {0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25}, y, EXACT);
    }

    @Test
    void tiedValuesSendTheGradientToTheFirstInRowMajorOrder() {
        Tensor x = Tensor.ones(DType.FLOAT64, 1, 1, 2, 2).requiresGrad(true);
        Functional.maxPool2d(x, 2).backward(Tensor.ones(DType.FLOAT64, 1, 1, 1, 1));
        assertValues(new double[] {1, 0, 0, 0}, x.grad(), EXACT);
    }

    @Test
    void notANumberInAWindowPropagates() {
        Tensor x = Tensor.of(new double[] {1, Double.NaN, 3, 4}, 1, 1, 2, 2);
        assertTrue(Double.isNaN(Functional.maxPool2d(x, 2).item()));
    }

    @Test
    void strideDefaultsToTheKernelSizeAndRectangularKernelsWork() {
        Tensor x = uniform(new Generator(1), 2, 3, 6, 7);
        int[] kernel = {2, 3};
        assertClose(Functional.maxPool2d(x, kernel, kernel, new int[] {0}), Functional.maxPool2d(x, kernel), 0.0);
        assertClose(Functional.avgPool2d(x, kernel, kernel, new int[] {0}), Functional.avgPool2d(x, kernel), 0.0);
        assertArrayEquals(new int[] {2, 3, 3, 2}, Functional.maxPool2d(x, kernel).shape());
    }

    @Test
    void threeDimensionalInputIsOneImageWithoutABatchDimension() {
        Tensor x = uniform(new Generator(2), 3, 4, 4);
        Tensor batched = Functional.maxPool2d(x.unsqueeze(0), 2);
        Tensor y = Functional.maxPool2d(x, 2);
        assertArrayEquals(new int[] {3, 2, 2}, y.shape());
        assertClose(batched.squeeze(0), y, 0.0);
    }

    @Test
    void float32InputsGiveFloat32OutputsAndGradients() {
        Tensor x = uniform(new Generator(3), 1, 2, 4, 4).to(DType.FLOAT32).detach().requiresGrad(true);
        Tensor max = Functional.maxPool2d(x, 2);
        Tensor avg = Functional.avgPool2d(x, 2);
        assertEquals(DType.FLOAT32, max.dtype());
        assertEquals(DType.FLOAT32, avg.dtype());
        avg.backward(Tensor.ones(DType.FLOAT32, avg.shape()));
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertClose(Functional.avgPool2d(x.detach().to(DType.FLOAT64), 2), avg, FLOAT32);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void inputOfTheWrongRankIsAnError() {
        assertThrowsWithMessage(ShapeException.class, () -> Functional.maxPool2d(Tensor.zeros(DType.FLOAT64, 4, 4), 2),
                "maxPool2d", "expected a 3-D (C, H, W) or 4-D (N, C, H, W) input", "[4, 4]");
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.avgPool2d(Tensor.zeros(DType.FLOAT64, 1, 1, 1, 4, 4), 2),
                "avgPool2d", "[1, 1, 1, 4, 4]");
    }

    @Test
    void nonPositiveKernelOrStrideIsAnError() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 1, 1, 4, 4);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Functional.maxPool2d(x, 0),
                "maxPool2d", "kernel size should be greater than zero", "[0, 0]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.avgPool2d(x, new int[] {2}, new int[] {1, 0}, null),
                "avgPool2d", "stride should be greater than zero", "[1, 0]");
    }

    @Test
    void negativePaddingOrPaddingOverHalfTheKernelIsAnError() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 1, 1, 4, 4);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Functional.maxPool2d(x, 2, 2, -1),
                "maxPool2d", "negative padding", "[-1, -1]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Functional.avgPool2d(x, 2, 2, 2),
                "avgPool2d", "pad should be at most half of kernel size", "padding [2, 2]", "kernel size [2, 2]");
    }

    @Test
    void kernelLargerThanThePaddedInputIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.maxPool2d(Tensor.zeros(DType.FLOAT64, 1, 1, 2, 5), 3),
                "maxPool2d", "Given input size: (2x5)", "Calculated output size: (0x1). Output size is too small");
    }

    @Test
    void kernelThatIsNeitherAnIntNorAPairIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.maxPool2d(Tensor.zeros(DType.FLOAT64, 1, 1, 4, 4), new int[] {2, 2, 2}),
                "maxPool2d", "kernel size must be one int or a pair (h, w)", "[2, 2, 2]");
    }
}
