package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;

class FansTest {

    @Test
    void linearWeightHasFanInInFeaturesAndFanOutOutFeatures() {
        // nn.Linear(512, 256).weight has shape (out, in) = (256, 512).
        assertEquals(new Fans(512, 256), Init.fans(Tensor.zeros(256, 512)));
    }

    @Test
    void conv2dWeightMultipliesChannelsByTheKernelArea() {
        // nn.Conv2d(64, 128, 3).weight has shape (128, 64, 3, 3): fan_in = 64·9, fan_out = 128·9.
        assertEquals(new Fans(576, 1152), Init.fans(Tensor.zeros(128, 64, 3, 3)));
    }

    @Test
    void groupsDivideFanInButNotFanOut() {
        // Conv2d(16, 32, 3, groups=4).weight is (32, 16/4, 3, 3).
        assertEquals(new Fans(4 * 9, 32 * 9), Fans.of(32, 4, 3, 3));
    }

    @Test
    void convTransposeWeightSwapsTheRoles() {
        // ConvTranspose2d(16, 8, 3).weight is stored (in, out, 3, 3) = (16, 8, 3, 3).
        assertEquals(new Fans(8 * 9, 16 * 9), Fans.of(16, 8, 3, 3));
    }

    @Test
    void conv1dAndConv3dUseTheSameArithmetic() {
        assertEquals(new Fans(3 * 5, 6 * 5), Fans.of(6, 3, 5));
        assertEquals(new Fans(3 * 2 * 3 * 4, 6 * 2 * 3 * 4), Fans.of(6, 3, 2, 3, 4));
    }

    @Test
    void oneDimensionalTensorIsPyTorchsFanError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.fans(Tensor.zeros(DType.FLOAT64, 3)));
        assertTrue(e.getMessage().contains(
                "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"), e.getMessage());
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void zeroDimensionalTensorIsPyTorchsFanError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.fans(Tensor.scalar(1.0)));
        assertTrue(e.getMessage().contains("fewer than 2 dimensions"), e.getMessage());
    }

    @Test
    void zeroSizedDimensionsGiveZeroFans() {
        assertEquals(new Fans(0, 0), Fans.of(0, 0));
        assertEquals(new Fans(5, 0), Fans.of(0, 5));
        assertEquals(new Fans(0, 0), Fans.of(4, 3, 0, 2));
    }

    @Test
    void negativeFansAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Fans(-1, 3));
        assertEquals("Fans: fanIn must be >= 0, got -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Fans(1, -3));
        assertEquals("Fans: fanOut must be >= 0, got -3", e.getMessage());
    }

    @Test
    void fanModeSelectsTheFan() {
        Fans fans = new Fans(7, 11);
        assertEquals(7, fans.fan(FanMode.FAN_IN));
        assertEquals(11, fans.fan(FanMode.FAN_OUT));
    }

    @Test
    void fanModeParsesPyTorchStringsCaseInsensitively() {
        assertEquals(FanMode.FAN_IN, FanMode.of("fan_in"));
        assertEquals(FanMode.FAN_IN, FanMode.of("FAN_IN"));
        assertEquals(FanMode.FAN_OUT, FanMode.of("Fan_Out"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FanMode.of("FAN_AVG"));
        assertEquals("Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']", e.getMessage());
    }

    @Test
    void caffeFansOfABlobEqualPyTorchsFromTwoDimensionsOn() {
        assertEquals(Fans.of(128, 64, 3, 3), Fans.caffe(128, 64, 3, 3));
        assertEquals(Fans.of(256, 512), Fans.caffe(256, 512));
        // A 1-D blob (a bias): fan_in = count/shape(0) = 1, fan_out = count.
        assertEquals(new Fans(1, 10), Fans.caffe(10));
    }

    @Test
    void caffeInnerProductWithTransposeSwapsTheFans() {
        // InnerProduct(K_in = 512 -> N_out = 256) with transpose: true stores (K_in, N_out).
        assertEquals(new Fans(256, 512), Fans.caffe(512, 256));
    }

    @Test
    void caffeFansRefuseEmptyAndZeroDimensionalBlobs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fans.caffe(0, 3));
        assertTrue(e.getMessage().contains("[0, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Fans.caffe());
        assertTrue(e.getMessage().contains("at least one axis"), e.getMessage());
    }

    @Test
    void kerasFansOfKerasLayoutsEqualPyTorchFansOfTapegradLayouts() {
        // Dense(512 -> 256): Keras kernel (in, out) = (512, 256); tapegrad weight (256, 512).
        assertEquals(Fans.of(256, 512), Fans.keras(512, 256));
        // Conv2D(64 -> 128, 3x3): Keras kernel (3, 3, 64, 128); tapegrad weight (128, 64, 3, 3).
        assertEquals(Fans.of(128, 64, 3, 3), Fans.keras(3, 3, 64, 128));
    }

    @Test
    void kerasFansBelowTwoDimensions() {
        assertEquals(new Fans(1, 1), Fans.keras());
        assertEquals(new Fans(10, 10), Fans.keras(10));
    }
}
