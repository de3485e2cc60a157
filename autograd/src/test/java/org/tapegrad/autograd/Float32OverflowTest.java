package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The classic demonstration of why initialisation matters: {@code x ← W x} with fresh N(0, 1) weights
 * of size 512 multiplies the standard deviation of x by about √512 ≈ 22.6 per layer, so in float32
 * (largest value ≈ 3.4·10^38) the activations overflow to ±Infinity and their std becomes NaN after
 * ln(3.4·10^38) / ln(22.6) ≈ 28 layers. The layer is a statistical fact, checked with a fixed seed.
 */
class Float32OverflowTest {
    private static final int WIDTH = 512;
    private static final int LAYERS = 100;
    private static final long SEED = 42;
    /** The 0-based layer at which the std first turns NaN, and how far a seed may move it. */
    private static final int EXPECTED_NAN_LAYER = 28;
    private static final int NAN_LAYER_SLACK = 2;

    @Test
    void hundredLayerChainOfStandardNormalMatricesOverflowsFloat32AroundLayer28() {
        Generator g = new Generator(SEED);
        Tensor x = Tensor.randn(g, DType.FLOAT32, WIDTH);
        Tensor x64 = x.to(DType.FLOAT64);
        int firstNan = -1;
        for (int layer = 0; layer < LAYERS; layer++) {
            // randn in float32 rounds the same draws that float64 keeps exactly
            Tensor w64 = Tensor.randn(g, DType.FLOAT64, WIDTH, WIDTH);
            x = w64.to(DType.FLOAT32).matmul(x);
            x64 = w64.matmul(x64);
            assertEquals(DType.FLOAT32, x.dtype());
            double std = x.std().item();
            if (Double.isNaN(std)) {
                firstNan = layer;
                break;
            }
            assertTrue(Double.isFinite(std), "std at layer " + layer + " is " + std);
        }
        assertTrue(Math.abs(firstNan - EXPECTED_NAN_LAYER) <= NAN_LAYER_SLACK, "std first NaN at layer " + firstNan);
        double largest64 = x64.abs().max().item();
        assertTrue(Double.isFinite(largest64) && largest64 > Float.MAX_VALUE,
                "in float64 the same chain is still finite (largest |x| " + largest64 + "), only past the float32 range");
    }
}
