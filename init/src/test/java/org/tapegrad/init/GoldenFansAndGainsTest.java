package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The values of the reference case {@code golden/cases/init_fans_and_gains.npz} (PyTorch 2.11, float64),
 * copied here so that the init module checks them on its own; the conformance runner reads the file itself.
 */
class GoldenFansAndGainsTest {
    /** The case's shapes {@code shape0..shape5} and its {@code fans} rows (fan_in, fan_out). */
    private static final int[][] SHAPES = {{4, 5}, {6, 3, 3, 3}, {8, 4, 5, 5}, {3, 2, 7}, {2, 3, 4, 5, 6}, {16, 1, 3, 3}};
    private static final int[][] FANS = {{5, 4}, {27, 54}, {100, 200}, {14, 21}, {360, 240}, {9, 144}};

    /** The case's {@code gains}, in its order. */
    private static final double[] GAINS = {1.0, 1.0, 1.0, 1.6666666666666667, 1.4142135623730951,
        1.4141428569978354, 0.75, 1.3867504905630728, 0.5773502691896257};

    @Test
    void fansMatchPyTorch() {
        for (int i = 0; i < SHAPES.length; i++) {
            assertEquals(new Fans(FANS[i][0], FANS[i][1]), Fans.of(SHAPES[i]), "shape" + i);
        }
    }

    @Test
    void gainsMatchPyTorchBitForBit() {
        double[] actual = {
            Init.calculateGain("linear"),
            Init.calculateGain("conv2d"),
            Init.calculateGain("sigmoid"),
            Init.calculateGain("tanh"),
            Init.calculateGain("relu"),
            Init.calculateGain("leaky_relu"),
            Init.calculateGain("selu"),
            Init.calculateGain("leaky_relu", 0.2),
            Init.calculateGain("leaky_relu", Math.sqrt(5)),
        };
        for (int i = 0; i < GAINS.length; i++) {
            assertEquals(GAINS[i], actual[i], 0.0, "gains[" + i + "]");
        }
    }
}
