package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/** Hand-computed convolutions and the error messages of {@link Functional#conv2d}. */
class Conv2dTest {

    private static Tensor oneToN(int... shape) {
        return Tensor.arange(1, 1 + Shapes.numel("t", shape), 1, DType.FLOAT64).reshape(shape);
    }

    @Test
    void diagonalDifferenceKernelWithBiasGivesHandComputedValuesAndGradients() {
        Tensor x = oneToN(1, 1, 3, 3).requiresGrad(true); // 1 … 9
        Tensor w = Tensor.of(new double[] {1, 0, 0, -1}, 1, 1, 2, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {0.5}, 1).requiresGrad(true);
        Tensor y = Functional.conv2d(x, w, b);
        // y[i, j] = x[i, j] − x[i+1, j+1] + 0.5 = −4 + 0.5
        assertValues(new double[] {-3.5, -3.5, -3.5, -3.5}, y, EXACT);

        y.backward(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        // dx[h, w] = g[h, w]·1 − g[h−1, w−1]
        assertValues(new double[] {1, 2, 0, 3, 3, -2, 0, -3, -4}, x.grad(), EXACT);
        // dw[u, v] = Σ g[i, j]·x[i+u, j+v]
        assertValues(new double[] {37, 47, 67, 77}, w.grad(), EXACT);
        assertValues(new double[] {10}, b.grad(), EXACT);
    }

    @Test
    void strideTwoWithPaddingSumsTheWindowsThatOverlapTheImage() {
        Tensor x = oneToN(1, 1, 4, 4); // 1 … 16
        Tensor ones = Tensor.ones(DType.FLOAT64, 1, 1, 3, 3);
        Tensor y = Functional.conv2d(x, ones, null, 2, 1);
        // windows: rows/cols {−1..1} and {1..3}, clipped to the image
        assertValues(new double[] {1 + 2 + 5 + 6, 2 + 3 + 4 + 6 + 7 + 8, 5 + 6 + 9 + 10 + 13 + 14,
            6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16}, y, EXACT);
    }

    @Test
    void dilationTwoSpreadsTheKernelOverEveryOtherPixel() {
        Tensor y = Functional.conv2d(oneToN(1, 1, 4, 4), Tensor.ones(DType.FLOAT64, 1, 1, 2, 2), null, 1, 0, 2, 1);
        assertValues(new double[] {1 + 3 + 9 + 11, 2 + 4 + 10 + 12, 5 + 7 + 13 + 15, 6 + 8 + 14 + 16}, y, EXACT);
    }

    @Test
    void rectangularKernelWithRectangularStrideAndPadding() {
        Tensor x = oneToN(1, 1, 3, 4);
        Tensor w = Tensor.of(new double[] {1, -1}, 1, 1, 1, 2);
        // padding (1, 0): a zero row above and below; stride (2, 2): padded rows −1, 1, 3 and columns 0, 2
        Tensor y = Functional.conv2d(x, w, null, new int[] {2, 2}, new int[] {1, 0}, new int[] {1}, 1);
        assertArrayEquals(new int[] {1, 1, 3, 2}, y.shape());
        assertValues(new double[] {0, 0, 5 - 6, 7 - 8, 0, 0}, y, EXACT);
    }

    @Test
    void kernelColumnsThatOnlyEverSeePaddingContributeZero() {
        // a 1-pixel image, a 1×3 kernel dilated by 2 and padded by 2: only the middle tap touches the image
        Tensor x = Tensor.of(new double[] {3}, 1, 1, 1, 1).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {5, 7, 11}, 1, 1, 1, 3).requiresGrad(true);
        Tensor y = Functional.conv2d(x, w, null, new int[] {1}, new int[] {0, 2}, new int[] {2}, 1);
        assertValues(new double[] {21}, y, EXACT);
        y.backward(Tensor.of(new double[] {2}, 1, 1, 1, 1));
        assertValues(new double[] {14}, x.grad(), EXACT);
        assertValues(new double[] {0, 6, 0}, w.grad(), EXACT);
    }

    @Test
    void groupsKeepChannelsApart() {
        Tensor x = Tensor.of(new double[] {2, 3}, 1, 2, 1, 1);
        Tensor w = Tensor.of(new double[] {10, 100}, 2, 1, 1, 1);
        assertValues(new double[] {20, 300}, Functional.conv2d(x, w, null, 1, 0, 1, 2), EXACT);
    }

    @Test
    void samePaddingWithAnEvenKernelPutsTheExtraRowAndColumnAtTheBottomRight() {
        Tensor x = oneToN(1, 1, 3, 3);
        Tensor w = Tensor.ones(DType.FLOAT64, 1, 1, 2, 2);
        // total padding 1 per dimension: 0 before, 1 after
        Tensor y = Functional.conv2d(x, w, null, 1, "same", 1, 1);
        assertValues(new double[] {
            1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 3 + 6,
            4 + 5 + 7 + 8, 5 + 6 + 8 + 9, 6 + 9,
            7 + 8, 8 + 9, 9}, y, EXACT);
    }

    @Test
    void validPaddingIsNoPadding() {
        Tensor x = uniform(new Generator(1), 2, 3, 5, 6);
        Tensor w = uniform(new Generator(2), 4, 3, 3, 2);
        assertClose(Functional.conv2d(x, w, null, 1, 0, 1, 1), Functional.conv2d(x, w, null, 1, "valid", 1, 1), 0.0);
    }

    @Test
    void float32InputsGiveFloat32OutputAndGradients() {
        Generator gen = new Generator(3);
        Tensor x = uniform(gen, 2, 3, 6, 6).to(DType.FLOAT32).detach().requiresGrad(true);
        Tensor w = uniform(gen, 4, 3, 3, 3).to(DType.FLOAT32).detach().requiresGrad(true);
        Tensor b = uniform(gen, 4).to(DType.FLOAT32).detach().requiresGrad(true);
        Tensor y = Functional.conv2d(x, w, b, 1, 1);
        assertEquals(DType.FLOAT32, y.dtype());
        y.backward(Tensor.ones(DType.FLOAT32, y.shape()));
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertEquals(DType.FLOAT32, w.grad().dtype());
        assertEquals(DType.FLOAT32, b.grad().dtype());
        Tensor y64 = Functional.conv2d(x.detach().to(DType.FLOAT64), w.detach().to(DType.FLOAT64),
                b.detach().to(DType.FLOAT64), 1, 1);
        assertClose(y64, y, FLOAT32);
    }

    @Test
    void float32LayerWhoseColumnsAreFloatsMatchesFloat64() {
        // 32 output channels over 16×3×3 patches: the forward and weight products take float columns
        // (im2col writes floats, Gemm.multiplySingle), as in the benchmark CNN's stride-2 layer
        for (int stride : new int[] {1, 2}) {
            Generator gen = new Generator(20 + stride);
            Tensor x = uniform(gen, 3, 16, 12, 12).to(DType.FLOAT32).detach().requiresGrad(true);
            Tensor w = uniform(gen, 32, 16, 3, 3).to(DType.FLOAT32).detach().requiresGrad(true);
            Tensor b = uniform(gen, 32).to(DType.FLOAT32).detach().requiresGrad(true);
            Tensor y = Functional.conv2d(x, w, b, stride, 1);
            Tensor g = uniform(gen, y.shape()).to(DType.FLOAT32);
            y.backward(g);
            Tensor x64 = x.detach().to(DType.FLOAT64).requiresGrad(true);
            Tensor w64 = w.detach().to(DType.FLOAT64).requiresGrad(true);
            Tensor b64 = b.detach().to(DType.FLOAT64).requiresGrad(true);
            Tensor y64 = Functional.conv2d(x64, w64, b64, stride, 1);
            y64.backward(g.to(DType.FLOAT64));
            assertClose(y64, y, FLOAT32);
            assertClose(x64.grad(), x.grad(), FLOAT32);
            assertClose(w64.grad(), w.grad(), FLOAT32);
            assertClose(b64.grad(), b.grad(), FLOAT32);
        }
    }

    @Test
    void float32StridedInputGradientOfAnImageInSeveralBandsMatchesFloat64() {
        // Wᵀ·G written as floats and summed in float by col2im (Gemm.multiplySingleToFloats): here an image
        // spans several bands, which add onto the same input rows; the several-images band is covered above
        ConvGeometry geometry = ConvGeometry.of("conv2d", new int[] {2, 16, 120, 64}, new int[] {32, 16, 3, 3},
                new int[] {2, 2}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
        assertTrue(geometry.bandRows(Conv2d.BAND_BUDGET) < geometry.outH / 2, "each image must span several bands");
        Generator gen = new Generator(23);
        Tensor x = uniform(gen, 2, 16, 120, 64).to(DType.FLOAT32).detach().requiresGrad(true);
        Tensor w = uniform(gen, 32, 16, 3, 3).to(DType.FLOAT32).detach();
        Tensor y = Functional.conv2d(x, w, null, 2, 1);
        Tensor g = uniform(gen, y.shape()).to(DType.FLOAT32);
        y.backward(g);
        Tensor x64 = x.detach().to(DType.FLOAT64).requiresGrad(true);
        Functional.conv2d(x64, w.to(DType.FLOAT64), null, 2, 1).backward(g.to(DType.FLOAT64));
        assertClose(x64.grad(), x.grad(), FLOAT32);
        double[] dx = x.grad().toDoubleArray();
        for (int i = 0; i < dx.length; i++) {
            assertEquals((float) dx[i], dx[i], 0.0, "dx[" + i + "] is not a float32 value");
        }
    }

    @Test
    void theBiasGradientIsTheSumOfTheOutputGradientWithOrWithoutTheWeights() {
        // with the weight's gradient the bias sums ride along band by band (each path: ConvProducts for a short
        // filter, a GEMM on one image per band, staged bands of several images, images cut into bands);
        // without it they take a pass of their own
        int[][] shapes = {{3, 1, 9, 9, 4, 3}, {1, 8, 20, 20, 5, 3}, {6, 8, 6, 6, 5, 3}, {1, 4, 200, 96, 3, 3}};
        for (int[] s : shapes) {
            Generator gen = new Generator(31 + s[1]);
            Tensor x = uniform(gen, s[0], s[1], s[2], s[3]);
            Tensor w = uniform(gen, s[4], s[1], s[5], s[5]);
            Tensor g = uniform(gen, Functional.conv2d(x, w, null, 1, 1).shape());
            double[] gs = g.toDoubleArray();
            int plane = g.size(2) * g.size(3);
            double[] expected = new double[s[4]];
            for (int i = 0; i < gs.length; i++) {
                expected[i / plane % s[4]] += gs[i];
            }
            for (boolean weightGrad : new boolean[] {true, false}) {
                Tensor wi = w.detach().requiresGrad(weightGrad);
                Tensor b = uniform(gen, s[4]).requiresGrad(true);
                Functional.conv2d(x, wi, b, 1, 1).backward(g);
                for (int o = 0; o < s[4]; o++) {
                    assertEquals(expected[o], b.grad().toDoubleArray()[o], 1e-12 * gs.length,
                            "channel " + o + " of " + java.util.Arrays.toString(s) + ", weight grad " + weightGrad);
                }
            }
        }
    }

    @Test
    void onlyTheInputsThatRequireGradReceiveOne() {
        Generator gen = new Generator(4);
        Tensor image = uniform(gen, 1, 3, 5, 5); // like the seed's input image
        Tensor w = uniform(gen, 2, 3, 3, 3).requiresGrad(true);
        Tensor y = Functional.conv2d(image, w, null, 1, 1);
        y.backward(Tensor.ones(DType.FLOAT64, y.shape()));
        assertNull(image.grad());
        assertArrayEquals(new int[] {2, 3, 3, 3}, w.grad().shape());
    }

    @Test
    void largeImagesSpanSeveralBandsAndStillMatchOneBandComputations() {
        // 3 input channels × 3×3 kernel × 224 columns: a band holds only a few output rows
        ConvGeometry geometry = ConvGeometry.of("conv2d", new int[] {1, 3, 40, 224}, new int[] {2, 3, 3, 3},
                new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
        assertTrue(geometry.bandRows(Conv2d.BAND_BUDGET) < 11, "the rows compared below must span two bands");
        Generator gen = new Generator(5);
        Tensor x = uniform(gen, 1, 3, 40, 224).requiresGrad(true);
        Tensor w = uniform(gen, 2, 3, 3, 3).requiresGrad(true);
        Tensor g = uniform(gen, 1, 2, 40, 224);
        Tensor y = Functional.conv2d(x, w, null, 1, 1);
        y.backward(g);
        // the same rows computed from the top 12 rows alone (one band), which see the same input rows 0..11
        Tensor top = x.detach().narrow(2, 0, 12).contiguous().requiresGrad(true);
        Tensor yTop = Functional.conv2d(top, w.detach(), null, 1, 1);
        assertClose(yTop.narrow(2, 0, 11), y.narrow(2, 0, 11), EXACT);
        Tensor gTop = g.narrow(2, 0, 11).contiguous();
        Tensor yTopRows = yTop.narrow(2, 0, 11);
        yTopRows.backward(gTop);
        assertClose(top.grad().narrow(2, 0, 10), x.grad().narrow(2, 0, 10), EXACT);
    }

    @Test
    void smallImagesShareBandsAndGiveTheResultsOfOneImageAtATime() {
        for (int stride : new int[] {1, 2}) {
            // 16 channels × 3×3 over 16×16 outputs: 3 images per band (within IMAGES_BUDGET), then a band of 2
            int side = 16 * stride;
            ConvGeometry geometry = ConvGeometry.of("conv2d", new int[] {5, 16, side, side}, new int[] {6, 16, 3, 3},
                    new int[] {stride, stride}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
            int images = Conv2d.imagesPerBand(geometry);
            assertTrue(images > 1 && 5 % images != 0, "stride " + stride + ": " + images + " images per band");
            Generator gen = new Generator(11 + stride);
            Tensor x = uniform(gen, 5, 16, side, side).requiresGrad(true);
            Tensor w = uniform(gen, 6, 16, 3, 3).requiresGrad(true);
            Tensor b = uniform(gen, 6).requiresGrad(true);
            Tensor y = Functional.conv2d(x, w, b, stride, 1);
            Tensor g = uniform(gen, y.shape());
            y.backward(g);
            Tensor dwSum = Tensor.zeros(DType.FLOAT64, 6, 16, 3, 3);
            Tensor dbSum = Tensor.zeros(DType.FLOAT64, 6);
            for (int n = 0; n < 5; n++) {
                Tensor xn = x.detach().narrow(0, n, 1).contiguous().requiresGrad(true);
                Tensor wn = w.detach().requiresGrad(true);
                Tensor bn = b.detach().requiresGrad(true);
                Tensor yn = Functional.conv2d(xn, wn, bn, stride, 1);
                yn.backward(g.narrow(0, n, 1).contiguous());
                assertClose(yn, y.narrow(0, n, 1), EXACT);
                assertClose(xn.grad(), x.grad().narrow(0, n, 1), EXACT);
                dwSum.addInPlace(wn.grad());
                dbSum.addInPlace(bn.grad());
            }
            assertClose(dwSum, w.grad(), EXACT);
            assertClose(dbSum, b.grad(), EXACT);
        }
    }

    // ------------------------------------------------------------------ errors

    private static Tensor zeros(int... shape) {
        return Tensor.zeros(DType.FLOAT64, shape);
    }

    @Test
    void inputChannelsNotDivisibleByGroupsIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.conv2d(zeros(1, 3, 5, 5), zeros(4, 1, 3, 3), null, 1, 0, 1, 2),
                "conv2d", "input channels (3) must be divisible by groups=2", "[1, 3, 5, 5]");
    }

    @Test
    void outputChannelsNotDivisibleByGroupsIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.conv2d(zeros(1, 4, 5, 5), zeros(3, 2, 3, 3), null, 1, 0, 1, 2),
                "conv2d", "output channels (3) must be divisible by groups=2", "[3, 2, 3, 3]");
    }

    @Test
    void weightWhoseInputChannelsDoNotMatchIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.conv2d(zeros(2, 5, 7, 7), zeros(4, 3, 3, 3)),
                "conv2d: Given groups=1, weight of size [4, 3, 3, 3], expected input[2, 5, 7, 7] to have 3 channels, "
                        + "but got 5 channels instead");
    }

    @Test
    void inputThatIsNotFourDimensionalIsAnError() {
        assertThrowsWithMessage(ShapeException.class, () -> Functional.conv2d(zeros(3, 7, 7), zeros(4, 3, 3, 3)),
                "conv2d", "expected a 4-D input (N, C_in, H, W)", "[3, 7, 7]");
    }

    @Test
    void weightThatIsNotFourDimensionalIsAnError() {
        assertThrowsWithMessage(ShapeException.class, () -> Functional.conv2d(zeros(1, 3, 7, 7), zeros(4, 3, 3)),
                "conv2d", "expected a 4-D weight", "[4, 3, 3]");
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.conv2d(zeros(1, 3, 7, 7), zeros(4, 3, 3), null, 1, "same", 1, 1),
                "conv2d", "expected a 4-D weight", "[4, 3, 3]");
    }

    @Test
    void kernelLargerThanThePaddedInputIsAnError() {
        assertThrowsWithMessage(ShapeException.class, () -> Functional.conv2d(zeros(1, 1, 2, 2), zeros(1, 1, 3, 3)),
                "conv2d", "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3).",
                "Kernel size can't be greater than actual input size");
        // dilation 2 stretches a 3×3 kernel over 5×5
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.conv2d(zeros(1, 1, 4, 6), zeros(1, 1, 3, 3), null, 1, 0, 2, 1),
                "conv2d", "padded input size per channel: (4 x 6). Kernel size: (5 x 5)");
    }

    @Test
    void nonPositiveStrideIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, new int[] {0, 1}, new int[] {0},
                        new int[] {1}, 1),
                "conv2d", "non-positive stride is not supported", "[0, 1]");
    }

    @Test
    void nonPositiveDilationIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, new int[] {1}, new int[] {0},
                        new int[] {1, 0}, 1),
                "conv2d", "dilation should be greater than zero", "[1, 0]");
    }

    @Test
    void negativePaddingIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, new int[] {1}, new int[] {-1, 0},
                        new int[] {1}, 1),
                "conv2d", "negative padding is not supported", "[-1, 0]");
    }

    @Test
    void nonPositiveGroupsIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, 1, 0, 1, 0),
                "conv2d", "groups must be a positive integer, but got groups=0");
    }

    @Test
    void samePaddingWithStrideIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, 2, "same", 1, 1),
                "conv2d", "padding='same' is not supported for strided convolutions", "[2, 2]");
    }

    @Test
    void unknownPaddingStringIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, 1, "full", 1, 1),
                "conv2d", "Invalid padding string 'full', should be one of {'same', 'valid'}");
    }

    @Test
    void strideThatIsNeitherAnIntNorAPairIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), null, new int[] {1, 1, 1},
                        new int[] {0}, new int[] {1}, 1),
                "conv2d", "stride must be one int or a pair (h, w)", "[1, 1, 1]");
    }

    @Test
    void biasOfTheWrongLengthIsAnError() {
        assertThrowsWithMessage(ShapeException.class,
                () -> Functional.conv2d(zeros(1, 3, 5, 5), zeros(4, 3, 3, 3), zeros(3)),
                "conv2d", "expected bias of size [4]", "got bias of size [3]");
    }

    @Test
    void mixingFloat32AndFloat64IsAnError() {
        Tensor x32 = Tensor.zeros(DType.FLOAT32, 1, 3, 5, 5);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Functional.conv2d(x32, zeros(4, 3, 3, 3)),
                "conv2d", "input and weight must have the same dtype", "float32 [1, 3, 5, 5]", "float64 [4, 3, 3, 3]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Functional.conv2d(x32, Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3), zeros(4)),
                "conv2d", "input and bias must have the same dtype");
    }
}
