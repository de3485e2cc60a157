package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Reduction;

/** Invalid layer settings are rejected when the settings are made, one message per field. */
class LayerOptionsTest {

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void linearSizesMustBeNonNegative() {
        assertEquals("Linear: in_features must be non-negative, got -1", message(() -> new Linear.Options(-1, 3)));
        assertEquals("Linear: out_features must be non-negative, got -2", message(() -> new Linear.Options(3, -2)));
    }

    @Test
    void conv2dChannelsMustBePositive() {
        assertEquals("Conv2d: in_channels must be positive, got 0",
                message(() -> Conv2d.builder(0, 4, 3).options()));
        assertEquals("Conv2d: out_channels must be positive, got -4",
                message(() -> Conv2d.builder(3, -4, 3).options()));
    }

    @Test
    void conv2dGroupsMustBePositiveAndDivideBothChannelCounts() {
        assertEquals("Conv2d: groups must be a positive integer, got 0",
                message(() -> Conv2d.builder(4, 4, 3).groups(0).options()));
        assertEquals("Conv2d: in_channels must be divisible by groups (in_channels=3, groups=2)",
                message(() -> Conv2d.builder(3, 4, 3).groups(2).options()));
        assertEquals("Conv2d: out_channels must be divisible by groups (out_channels=5, groups=2)",
                message(() -> Conv2d.builder(4, 5, 3).groups(2).options()));
    }

    @Test
    void conv2dKernelStridePaddingAndDilationAreChecked() {
        assertEquals("Conv2d: kernel_size must be positive, got (0, 3)",
                message(() -> Conv2d.builder(1, 1, IntPair.of(0, 3)).options()));
        assertEquals("Conv2d: non-positive stride is not supported, got stride=(0, 0)",
                message(() -> Conv2d.builder(1, 1, 3).stride(0).options()));
        assertEquals("Conv2d: negative padding is not supported, got padding=(1, -1)",
                message(() -> Conv2d.builder(1, 1, 3).padding(1, -1).options()));
        assertEquals("Conv2d: dilation should be greater than zero, got dilation=(0, 0)",
                message(() -> Conv2d.builder(1, 1, 3).dilation(0).options()));
    }

    @Test
    void conv2dPaddingStringsAreSameOrValidAndSameNeedsStrideOne() {
        assertEquals("Conv2d: Invalid padding string 'full', should be one of {'valid', 'same'}",
                message(() -> Conv2d.builder(1, 1, 3).padding("full").options()));
        assertEquals("Conv2d: padding='same' is not supported for strided convolutions (stride=(2, 2))",
                message(() -> Conv2d.builder(1, 1, 3).stride(2).padding("same").options()));
    }

    @Test
    void batchNormSettingsAreChecked() {
        assertEquals("BatchNorm2d: num_features must be positive, got 0", message(() -> new BatchNorm2d(0)));
        assertEquals("BatchNorm2d: batch_norm eps must be positive, but got 0.0",
                message(() -> BatchNorm2d.builder(3).eps(0).build()));
        assertEquals("BatchNorm2d: momentum must be in [0, 1], or null for a cumulative moving average, but got 1.5",
                message(() -> BatchNorm2d.builder(3).momentum(1.5).build()));
    }

    @Test
    void batchNormRejectsInputsThatAreNot4D() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals("BatchNorm2d: expected 4D input (got 2D input)", message(() -> bn.forward(Tensor.zeros(2, 3))));
    }

    @Test
    void poolingSettingsAreChecked() {
        assertEquals("MaxPool2d: kernel_size must be greater than zero, but got kernel_size=0",
                message(() -> new MaxPool2d(0)));
        assertEquals("AvgPool2d: stride must be greater than zero, but got stride=(1, 0)",
                message(() -> new AvgPool2d(IntPair.of(2), IntPair.of(1, 0), IntPair.of(0))));
        assertEquals("MaxPool2d: pad should be at most half of kernel size, but got pad=2 and kernel_size=3",
                message(() -> new MaxPool2d(3, 1, 2)));
        assertEquals("AvgPool2d: padding must be non-negative, but got padding=-1",
                message(() -> new AvgPool2d(3, 1, -1)));
    }

    @Test
    void leakyReluSlopeMustBeFinite() {
        assertEquals("LeakyReLU: negative_slope must be finite, got nan", message(() -> new LeakyReLU(Double.NaN)));
    }

    @Test
    void crossEntropySettingsAreChecked() {
        assertEquals("CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: 1.5",
                message(() -> new CrossEntropyLoss.Options(null, -100, Reduction.MEAN, 1.5)));
        assertEquals("CrossEntropyLoss: weight must be 1-D (one value per class), got shape [2, 2]",
                message(() -> new CrossEntropyLoss.Options(Tensor.ones(DType.FLOAT64, 2, 2), -100, Reduction.MEAN, 0)));
    }

    @Test
    void defaultsAreThoseOfPyTorch() {
        assertEquals(new Linear.Options(10, 4, true, DType.FLOAT32), new Linear.Options(10, 4));
        assertEquals(new Conv2d.Options(3, 8, IntPair.of(3), IntPair.of(1), Conv2d.Padding.of(0), IntPair.of(1), 1,
                true, DType.FLOAT32), Conv2d.builder(3, 8, 3).options());
        assertEquals(new BatchNorm2d.Options(4, 1e-5, 0.1, true, true, DType.FLOAT32), new BatchNorm2d.Options(4));
        assertEquals(new CrossEntropyLoss.Options(null, -100, Reduction.MEAN, 0.0), new CrossEntropyLoss.Options());
        MaxPool2d pool = new MaxPool2d(3);
        assertEquals(IntPair.of(3), pool.stride());
        assertEquals(IntPair.of(0), pool.padding());
    }
}
