package org.tapegrad.autograd.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;

/**
 * {@link Exp#exp} is within 1 ulp of e<sup>x</sup>, like {@link Math#exp}: against {@link StrictMath#exp}
 * (fdlibm, itself within 1 ulp) on the arguments the log-softmax gives it (x − max ≤ 0, NaN, −∞) and on
 * positive ones, and against the exact value computed in {@link BigDecimal}.
 */
class ExpProperties {
    /**
     * Doubles between Exp.exp and StrictMath.exp: one is within 0.52 ulp of the exact value where the result is
     * normal, the other within 1 (0.88 seen), so they are at most one double apart.
     */
    private static final long STRICT_MATH_ULPS = 1;
    /** Error bound where e^x is a normal double: the final rounding's half ulp and the analysed rest. */
    private static final double NORMAL_RESULT_ULPS = 0.52;
    /** Error bound where e^x is subnormal (rounded twice). */
    private static final double SUBNORMAL_RESULT_ULPS = 1.0;
    private static final MathContext REFERENCE_PRECISION = new MathContext(45);
    private static final BigDecimal NEGLIGIBLE_TERM = new BigDecimal("1e-50");
    private static final BigDecimal LN2 = new BigDecimal(
            "0.693147180559945309417232121458176568075500134360255254120680");

    @Property(tries = 10000)
    void agreesWithStrictMathWithinOneUlpOnTheLogSoftmaxArguments(@ForAll("nonPositive") double x) {
        assertWithinUlpsOfStrictMath(x);
    }

    @Property(tries = 3000)
    void agreesWithStrictMathWithinOneUlpOnPositiveArguments(@ForAll("positive") double x) {
        assertWithinUlpsOfStrictMath(x);
    }

    @Property(tries = 3000)
    void isWithinItsErrorBoundOfTheExactValue(@ForAll("finiteResults") double x) {
        BigDecimal exact = exactExp(x);
        BigDecimal ulp = ulpAt(exact);
        double error = new BigDecimal(Exp.exp(x)).subtract(exact).abs().divide(ulp, REFERENCE_PRECISION)
                .doubleValue();
        boolean normal = exact.compareTo(new BigDecimal(Double.MIN_NORMAL)) >= 0;
        double bound = normal ? NORMAL_RESULT_ULPS : SUBNORMAL_RESULT_ULPS;
        assertTrue(error <= bound, "exp(" + x + ") = " + Exp.exp(x) + " is " + error + " ulp from " + exact);
    }

    @Example
    void specialValuesAreThoseOfMathExp() {
        assertEquals(0.0, Exp.exp(Double.NEGATIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, Exp.exp(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(Exp.exp(Double.NaN)));
        assertEquals(1.0, Exp.exp(0.0));
        assertEquals(1.0, Exp.exp(-0.0));
        assertEquals(1.0, Exp.exp(-Double.MIN_VALUE));
        assertEquals(Math.E, Exp.exp(1.0));
    }

    @Example
    void underflowsAndOverflowsWhereTheExactValueRoundsToZeroOrInfinity() {
        // e^x = 2^−1075, half the smallest subnormal, at x = −745.13321910194120762…: the two doubles around it
        assertEquals(Double.MIN_VALUE, Exp.exp(-745.1332191019411));
        assertEquals(0.0, Exp.exp(-745.1332191019412));
        assertEquals(0.0, Exp.exp(-1e10));
        // e^x = Double.MAX_VALUE + half an ulp at x = 709.78271289338399678…: the two doubles around it
        assertEquals(StrictMath.exp(709.782712893384), Exp.exp(709.782712893384));
        assertTrue(Exp.exp(709.782712893384) < Double.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, Exp.exp(709.7827128933841));
        assertEquals(Double.POSITIVE_INFINITY, Exp.exp(1e10));
    }

    /** Uniform in value, uniform in bit pattern (tiny and subnormal arguments), and the special values. */
    @Provide
    Arbitrary<Double> nonPositive() {
        return Arbitraries.oneOf(uniform(-746, 0), uniform(-30, 0),
                Arbitraries.longs().between(0, Double.doubleToRawLongBits(800.0)).map(b -> -Double.longBitsToDouble(b)),
                Arbitraries.of(Double.NEGATIVE_INFINITY, Double.NaN, -0.0, -Double.MIN_VALUE, -Double.MIN_NORMAL,
                        -700.0, Math.nextDown(-700.0), -708.3964185322641, -745.1332191019411, -745.1332191019412));
    }

    @Provide
    Arbitrary<Double> positive() {
        return Arbitraries.oneOf(uniform(0, 710),
                Arbitraries.longs().between(1, Double.doubleToRawLongBits(800.0)).map(Double::longBitsToDouble),
                Arbitraries.of(Double.POSITIVE_INFINITY, Double.MIN_VALUE, 700.0, Math.nextUp(700.0),
                        709.782712893384, 709.7827128933841));
    }

    /** From below the underflow threshold to just below overflow. */
    @Provide
    Arbitrary<Double> finiteResults() {
        return Arbitraries.oneOf(uniform(-746, 709.78), uniform(-30, 0), uniform(-746, -700),
                Arbitraries.longs().between(0, Double.doubleToRawLongBits(746.0))
                        .map(b -> -Double.longBitsToDouble(b)));
    }

    private static Arbitrary<Double> uniform(double min, double max) {
        return Arbitraries.doubles().between(min, max).ofScale(20).withDistribution(RandomDistribution.uniform());
    }

    private static void assertWithinUlpsOfStrictMath(double x) {
        double actual = Exp.exp(x);
        double expected = StrictMath.exp(x);
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), "exp(" + x + ") = " + actual);
            return;
        }
        // both are ≥ 0, where the bit patterns count the doubles in order
        long ulps = Math.abs(Double.doubleToRawLongBits(actual) - Double.doubleToRawLongBits(expected));
        assertTrue(ulps <= STRICT_MATH_ULPS, "exp(" + x + ") = " + actual + ", StrictMath: " + expected);
    }

    /** e^x to 45 digits: 2^m·e^r with m = round(x/ln 2), r = x − m·ln 2, and e^r by its Taylor series. */
    private static BigDecimal exactExp(double x) {
        long m = Math.round(x / Math.log(2));
        BigDecimal r = new BigDecimal(x).subtract(LN2.multiply(BigDecimal.valueOf(m)), REFERENCE_PRECISION);
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        for (int n = 1; term.abs().compareTo(NEGLIGIBLE_TERM) > 0; n++) {
            term = term.multiply(r, REFERENCE_PRECISION).divide(BigDecimal.valueOf(n), REFERENCE_PRECISION);
            sum = sum.add(term, REFERENCE_PRECISION);
        }
        int half = (int) (m / 2);
        // 2^m as two exact doubles: 2^m alone is out of double range at the ends
        return sum.multiply(new BigDecimal(Math.scalb(1.0, half))).multiply(new BigDecimal(Math.scalb(1.0,
                (int) m - half)), REFERENCE_PRECISION);
    }

    /** The spacing of the doubles around a positive value: 2^(⌊log2 v⌋ − 52), or the subnormals' spacing. */
    private static BigDecimal ulpAt(BigDecimal v) {
        if (v.compareTo(new BigDecimal(Double.MIN_NORMAL)) < 0) {
            return new BigDecimal(Double.MIN_VALUE);
        }
        double nearest = v.doubleValue();
        boolean roundedUpToPowerOfTwo = nearest == Math.scalb(1.0, Math.getExponent(nearest))
                && new BigDecimal(nearest).compareTo(v) > 0;
        // then v lies in the binade below, where the doubles are twice as dense
        return new BigDecimal(roundedUpToPowerOfTwo ? Math.ulp(nearest) / 2 : Math.ulp(nearest));
    }
}
