package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GainTest {

    @ParameterizedTest
    @ValueSource(strings = {"linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
            "conv_transpose3d", "sigmoid"})
    void linearConvolutionAndSigmoidHaveGainOne(String name) {
        assertEquals(1.0, Init.calculateGain(name), 0.0);
    }

    @Test
    void tanhHasGainFiveThirds() {
        assertEquals(5.0 / 3, Init.calculateGain("tanh"), 0.0);
        assertEquals(1.6666666666666667, Init.calculateGain("tanh"), 0.0);
    }

    @Test
    void reluHasGainRootTwo() {
        assertEquals(Math.sqrt(2.0), Init.calculateGain("relu"), 0.0);
        assertEquals(1.4142135623730951, Init.calculateGain("relu"), 0.0);
    }

    @Test
    void seluHasGainThreeQuarters() {
        assertEquals(0.75, Init.calculateGain("selu"), 0.0);
    }

    @Test
    void leakyReluWithoutParameterUsesSlopeOneHundredth() {
        // sqrt(2 / (1 + 0.01²)) = sqrt(2 / 1.0001)
        assertEquals(1.4141428569978354, Init.calculateGain("leaky_relu"), 0.0);
        assertEquals(1.4141428569978354, Init.calculateGain("leaky_relu", null), 0.0);
    }

    @Test
    void leakyReluWithSlopeRootFiveIsOneUlpBelowOneOverRootThree() {
        // √5·√5 = 5.000000000000001 in double, as Python's sqrt(5)**2: PyTorch gets 0.5773502691896257.
        assertEquals(0.5773502691896257, Init.calculateGain("leaky_relu", Math.sqrt(5)), 0.0);
        assertEquals(Math.nextDown(1 / Math.sqrt(3)), Init.calculateGain("leaky_relu", Math.sqrt(5)), 0.0);
    }

    @Test
    void leakyReluWithSlopeZeroIsReluGain() {
        assertEquals(Init.calculateGain("relu"), Init.calculateGain("leaky_relu", 0.0), 0.0);
    }

    @Test
    void theParameterIsIgnoredByEveryNameButLeakyRelu() {
        assertEquals(Init.calculateGain("tanh"), Init.calculateGain("tanh", 0.3), 0.0);
        assertEquals(Init.calculateGain("relu"), Init.calculateGain("relu", 7.0), 0.0);
    }

    @Test
    void unknownNonlinearityIsPyTorchsError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("foo"));
        assertEquals("Unsupported nonlinearity foo", e.getMessage());
    }

    @Test
    void namesAreCaseSensitive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("ReLU"));
        assertEquals("Unsupported nonlinearity ReLU", e.getMessage());
    }

    @Test
    void everyEnumConstantRoundTripsThroughItsPyTorchName() {
        for (Nonlinearity n : Nonlinearity.values()) {
            assertEquals(n, Nonlinearity.of(n.pytorchName()));
        }
    }
}
