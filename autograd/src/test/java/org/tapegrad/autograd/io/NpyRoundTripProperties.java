package org.tapegrad.autograd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** Random shapes (0 to 4 dimensions of size 0 to 5) and random values survive write then read. */
class NpyRoundTripProperties {

    @Property(tries = 300)
    void float64RoundTripsExactly(@ForAll("float64Arrays") NpyArray array) throws IOException {
        assertEquals(array, NpyBytes.fromBytes(NpyBytes.toBytes(array)));
    }

    @Property(tries = 300)
    void int64RoundTripsExactly(@ForAll("int64Arrays") NpyArray array) throws IOException {
        assertEquals(array, NpyBytes.fromBytes(NpyBytes.toBytes(array)));
    }

    @Property(tries = 300)
    void float32RoundTripsTheFloatRoundedValues(@ForAll("shapesWithDoubles") Tuple2<int[], double[]> input)
            throws IOException {
        double[] values = input.get2();
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = (float) values[i];
        }

        NpyArray read = NpyBytes.fromBytes(NpyBytes.toBytes(NpyArray.ofFloat32(values, input.get1())));

        assertEquals(NpyType.FLOAT32, read.type());
        assertArrayEquals(input.get1(), read.shape());
        assertArrayEquals(rounded, read.toDoubleArray());
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return Arbitraries.integers().between(0, 5).array(int[].class).ofMinSize(0).ofMaxSize(4);
    }

    /** Any double: ordinary values with special ones (NaN, infinities, ...) and arbitrary bit patterns. */
    Arbitrary<Double> anyDouble() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().withStandardSpecialValues().withSpecialValue(-0.0),
                Arbitraries.longs().map(Double::longBitsToDouble));
    }

    @Provide
    Arbitrary<Tuple2<int[], double[]>> shapesWithDoubles() {
        return shapes().flatMap(shape -> anyDouble().array(double[].class).ofSize(elementCount(shape))
                .map(values -> Tuple.of(shape, values)));
    }

    @Provide
    Arbitrary<NpyArray> float64Arrays() {
        return shapesWithDoubles().map(input -> NpyArray.ofFloat64(input.get2(), input.get1()));
    }

    @Provide
    Arbitrary<NpyArray> int64Arrays() {
        return shapes().flatMap(shape -> Arbitraries.longs().array(long[].class).ofSize(elementCount(shape))
                .map(values -> NpyArray.ofInt64(values, shape)));
    }

    private static int elementCount(int[] shape) {
        int count = 1;
        for (int dimension : shape) {
            count *= dimension;
        }
        return count;
    }
}
