package org.tapegrad.examples.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The conv article's derivation: the engine's conv gradients equal the hand formulas Σ ∂f·i and Σ ∂f·k. */
class KernelGradientTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void theReportsExampleMatchesTheHandFormula() {
        KernelGradient.Check c = KernelGradient.example();
        // ∂L/∂k₁ = ∂f₁·i₁ + ∂f₂·i₂ + ∂f₃·i₄ + ∂f₄·i₅ = 0.1·1 − 0.2·2 + 0.3·4 + 0.4·5
        assertArrayEquals(new double[] {2.9, 3.5, 4.7, 5.3}, c.handKernelGrad(), TOLERANCE);
        assertArrayEquals(c.handKernelGrad(), c.engineKernelGrad(), TOLERANCE);
        assertArrayEquals(c.handImageGrad(), c.engineImageGrad(), TOLERANCE);
        assertArrayEquals(new double[9], c.zeroKernelImageGrad(), 0.0, "a zero kernel passes no gradient down");
    }
}
