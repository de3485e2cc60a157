package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FansProperties {

    /** A conv weight (C_out, C_in/groups, k₁, …, k_N), N = 0..3, with its parts. */
    record ConvShape(int out, int in, List<Integer> kernel) {
        int[] tapegrad() {
            int[] s = new int[2 + kernel.size()];
            s[0] = out;
            s[1] = in;
            for (int d = 0; d < kernel.size(); d++) {
                s[2 + d] = kernel.get(d);
            }
            return s;
        }

        /** Keras' layout of the same layer: (k₁, …, k_N, in, out). */
        int[] keras() {
            int[] s = new int[2 + kernel.size()];
            for (int d = 0; d < kernel.size(); d++) {
                s[d] = kernel.get(d);
            }
            s[kernel.size()] = in;
            s[kernel.size() + 1] = out;
            return s;
        }

        int receptiveField() {
            return kernel.stream().reduce(1, (x, y) -> x * y);
        }
    }

    @Provide
    Arbitrary<ConvShape> convShapes() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 256),
                Arbitraries.integers().between(1, 256),
                Arbitraries.integers().between(1, 7).list().ofMaxSize(3))
                .as(ConvShape::new);
    }

    @Property(tries = 200, seed = "20240601")
    void fanInIsInputChannelsTimesReceptiveFieldAndFanOutOutputChannelsTimesIt(
            @ForAll("convShapes") ConvShape shape) {
        Fans fans = Fans.of(shape.tapegrad());
        assertEquals(shape.in() * shape.receptiveField(), fans.fanIn());
        assertEquals(shape.out() * shape.receptiveField(), fans.fanOut());
    }

    @Property(tries = 200, seed = "20240602")
    void kerasFansOfTheKerasKernelEqualPyTorchFansOfTheTapegradWeight(@ForAll("convShapes") ConvShape shape) {
        assertEquals(Fans.of(shape.tapegrad()), Fans.keras(shape.keras()));
    }

    @Property(tries = 200, seed = "20240603")
    void caffeFansOfAWeightBlobEqualPyTorchFans(@ForAll("convShapes") ConvShape shape) {
        assertEquals(Fans.of(shape.tapegrad()), Fans.caffe(shape.tapegrad()));
    }

    @Property(tries = 200, seed = "20240604")
    void varianceScalingReadsTapegradLayoutsWithPyTorchFans(@ForAll("convShapes") ConvShape shape) {
        assertEquals(Fans.of(shape.tapegrad()), VarianceScaling.fans(shape.tapegrad()));
    }
}
