package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

class GainProperties {

    @Property(tries = 100, seed = "20240610")
    void leakyReluGainIsRootOfTwoOverOnePlusSlopeSquared(@ForAll @DoubleRange(min = -10, max = 10) double slope) {
        assertEquals(Math.sqrt(2.0 / (1 + slope * slope)), Init.calculateGain("leaky_relu", slope), 0.0);
    }

    @Property(tries = 100, seed = "20240611")
    void leakyReluGainPreservesTheSecondMomentOfAStandardNormal(
            @ForAll @DoubleRange(min = -3, max = 3) double slope) {
        // For x ~ N(0, 1): E[leaky_relu(x)²] = (1 + slope²)/2, so gain² · that second moment = 1.
        double gain = Init.calculateGain("leaky_relu", slope);
        assertEquals(1.0, gain * gain * (1 + slope * slope) / 2, 1e-15);
    }
}
