package org.tapegrad.autograd.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** {@link FloatRounding#round} is the plain loop {@code a[i] = (float) a[i]} over [from, to), and nothing else. */
class FloatRoundingProperties {

    @Property(tries = 200)
    void roundsExactlyTheRangeAsTheCastDoes(@ForAll("values") double[] values, @ForAll @IntRange(max = 3000) int from,
            @ForAll @IntRange(max = 3000) int length) {
        int start = Math.min(from, values.length);
        int end = Math.min(values.length, start + length);
        double[] actual = values.clone();
        FloatRounding.round(actual, start, end);
        for (int i = 0; i < values.length; i++) {
            double expected = i >= start && i < end ? (double) (float) values[i] : values[i];
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual[i]),
                    "element " + i + " of " + values.length + ", range [" + start + ", " + end + ")");
        }
    }

    /** Arrays longer than a chunk (1024), with ordinary, huge, tiny and special values. */
    @Provide
    Arbitrary<double[]> values() {
        Arbitrary<Double> value = Arbitraries.oneOf(Arbitraries.doubles().between(-1e6, 1e6),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e300, -1e300,
                        1e-300, Double.MIN_VALUE, 3.4028235677973366e38));
        return value.array(double[].class).ofMinSize(0).ofMaxSize(3000);
    }
}
