package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

class IdentityProperties {

    @Property(tries = 100, seed = "4001")
    void eyeIsOneExactlyOnTheDiagonal(@ForAll @IntRange(min = 0, max = 12) int rows,
            @ForAll @IntRange(min = 0, max = 12) int cols) {
        Tensor t = Init.eye_(Tensor.full(7.0, DType.FLOAT32, rows, cols));
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(i == j ? 1.0 : 0.0, t.get(i, j), 0.0, "[" + i + "][" + j + "]");
            }
        }
    }

    /** A conv weight for dirac_: groups, out channels per group, in channels per group, 1 to 3 kernel sizes. */
    record DiracCase(int groups, int outPerGroup, int inPerGroup, int[] kernel) {
        int[] shape() {
            int[] s = new int[2 + kernel.length];
            s[0] = groups * outPerGroup;
            s[1] = inPerGroup;
            System.arraycopy(kernel, 0, s, 2, kernel.length);
            return s;
        }
    }

    @Provide
    Arbitrary<DiracCase> diracCases() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(1, 4).array(int[].class).ofMinSize(1).ofMaxSize(3))
                .as(DiracCase::new);
    }

    @Property(tries = 150, seed = "4002")
    void diracIsOneAtTheKernelCentreOfEachGroupsDiagonalAndZeroElsewhere(@ForAll("diracCases") DiracCase c) {
        int[] shape = c.shape();
        Tensor t = Init.dirac_(Tensor.full(3.0, DType.FLOAT64, shape), c.groups());
        double[] w = t.toDoubleArray();
        int[] strides = Shapes.contiguousStrides(shape);
        int ones = 0;
        for (int flat = 0; flat < w.length; flat++) {
            int out = flat / strides[0];
            int in = (flat / strides[1]) % shape[1];
            boolean centre = true;
            for (int d = 2; d < shape.length; d++) {
                centre &= (flat / strides[d]) % shape[d] == shape[d] / 2;
            }
            // Output channel g·opg + d sees input channel d of its group, for d < min(opg, in per group).
            int d = out % c.outPerGroup();
            boolean expectedOne = centre && d == in && d < Math.min(c.outPerGroup(), c.inPerGroup());
            assertEquals(expectedOne ? 1.0 : 0.0, w[flat], 0.0, "flat index " + flat + " of " + Shapes.format(shape));
            ones += expectedOne ? 1 : 0;
        }
        assertEquals(c.groups() * Math.min(c.outPerGroup(), c.inPerGroup()), ones);
    }
}
