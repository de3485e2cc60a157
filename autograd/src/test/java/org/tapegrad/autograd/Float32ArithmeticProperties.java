package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * float32 tensors compute in double and round once; for + − × ÷ that gives exactly the bits of float
 * arithmetic (a double holds the exact product of two floats, and double rounding is innocuous for the
 * other three), including overflow to ±Infinity past {@link Float#MAX_VALUE}, underflow to subnormals,
 * and NaN.
 */
class Float32ArithmeticProperties {

    @Property(tries = 100)
    void addSubMulDivEqualFloatArithmeticBitForBit(@ForAll("floats") float a, @ForAll("floats") float b) {
        Tensor x = Tensor.of(new float[] {a}, 1);
        Tensor y = Tensor.of(new float[] {b}, 1);
        assertSameFloat(a + b, x.add(y));
        assertSameFloat(a - b, x.sub(y));
        assertSameFloat(a * b, x.mul(y));
        assertSameFloat(a / b, x.div(y));
    }

    @Property(tries = 50)
    void elementwiseOpsOnFloatVectorsEqualFloatArithmetic(@ForAll("floatVectors") float[] a,
            @ForAll("floatVectors") float[] b) {
        int n = Math.min(a.length, b.length);
        float[] a2 = Arrays.copyOf(a, n);
        float[] b2 = Arrays.copyOf(b, n);
        Tensor x = Tensor.of(a2, n);
        Tensor y = Tensor.of(b2, n);
        float[] sum = x.add(y).toFloatArray();
        float[] product = x.mul(y).toFloatArray();
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(a2[i] + b2[i]), Float.floatToIntBits(sum[i]));
            assertEquals(Float.floatToIntBits(a2[i] * b2[i]), Float.floatToIntBits(product[i]));
        }
    }

    @Property(tries = 30)
    void resultsBeyondFloatMaxValueOverflowToInfinity(@ForAll("bigFactors") float factor) {
        Tensor max = Tensor.of(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE}, 2);
        float[] scaled = max.mul(Tensor.of(new float[] {factor}, 1)).toFloatArray();
        assertEquals(Float.POSITIVE_INFINITY, scaled[0]);
        assertEquals(Float.NEGATIVE_INFINITY, scaled[1]);
        float[] doubled = max.add(max).toFloatArray();
        assertEquals(Float.POSITIVE_INFINITY, doubled[0]);
        assertEquals(Float.NEGATIVE_INFINITY, doubled[1]);
    }

    @Provide
    Arbitrary<Float> floats() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.floats().between(-1e4f, 1e4f).ofScale(6)),
                Tuple.of(2, Arbitraries.integers().map(Float::intBitsToFloat)),
                Tuple.of(1, Arbitraries.of(0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE,
                        -Float.MAX_VALUE, Float.MIN_NORMAL, Float.POSITIVE_INFINITY, Float.NaN, 1e-40f, 3e38f)));
    }

    @Provide
    Arbitrary<float[]> floatVectors() {
        return floats().array(float[].class).ofMinSize(1).ofMaxSize(16);
    }

    @Provide
    Arbitrary<Float> bigFactors() {
        return Arbitraries.floats().between(1.0001f, 1e6f).ofScale(4);
    }

    private static void assertSameFloat(float expected, Tensor actual) {
        assertEquals(DType.FLOAT32, actual.dtype());
        float got = actual.toFloatArray()[0];
        if (Float.isNaN(expected)) {
            assertEquals(Float.NaN, got);
        } else {
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got),
                    "expected " + expected + " but was " + got);
        }
        assertEquals((double) got, actual.toDoubleArray()[0], "the stored double must be the float exactly");
    }
}
