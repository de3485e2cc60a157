package org.tapegrad.examples.seed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

/** For any image, kernel and ∂L/∂f, the engine's conv gradients equal the hand formulas Σ ∂f·i and Σ ∂f·k. */
class KernelGradientProperties {
    /** Both sides are sums of at most four products of values below 3 in size, computed in float64. */
    private static final double TOLERANCE = 1e-10;

    @Property(tries = 30)
    void engineAndHandFormulaAgreeForAnyImageKernelAndUpstream(
            @ForAll @Size(9) List<@DoubleRange(min = -3, max = 3) Double> image,
            @ForAll @Size(4) List<@DoubleRange(min = -3, max = 3) Double> kernel,
            @ForAll @Size(4) List<@DoubleRange(min = -3, max = 3) Double> upstream) {
        KernelGradient.Check c = KernelGradient.check(toArray(image), toArray(kernel), toArray(upstream));
        assertTrue(c.maxDifference() < TOLERANCE, "difference " + c.maxDifference());
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
