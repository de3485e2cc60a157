package org.tapegrad.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensorsInAnyLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.testing.Tolerances;

/**
 * softmax and logSoftmax along a random dimension (positive or negative index): softmax is exp(x)
 * normalised along the dimension, logSoftmax is its logarithm, and both pass gradcheck. Gradcheck's
 * random output weights matter here: the gradient of a plain sum of a softmax is identically 0.
 */
class SoftmaxGradientProperties {

    @Property(tries = 60)
    void softmaxIsNormalisedExpAndGradchecks(@ForAll("anyLayout") Tensor x, @ForAll("dimChoice") int choice) {
        int dim = dimension(x, choice);
        Tensor e = x.detach().exp();
        Tensor expected = e.div(e.sum(dim, true));
        Tensor y = x.softmax(dim);
        assertArrayEquals(x.shape(), y.shape());
        Tolerances.assertClose(expected.toDoubleArray(), y.toDoubleArray(), Tolerances.FLOAT64_TIGHT,
                Tolerances.FLOAT64_TIGHT);
        Gradcheck.check(in -> in[0].softmax(dim), x);
    }

    @Property(tries = 60)
    void logSoftmaxIsLogOfSoftmaxAndGradchecks(@ForAll("anyLayout") Tensor x, @ForAll("dimChoice") int choice) {
        int dim = dimension(x, choice);
        Tensor y = x.logSoftmax(dim);
        assertArrayEquals(x.shape(), y.shape());
        Tolerances.assertClose(x.detach().softmax(dim).log().toDoubleArray(), y.toDoubleArray(),
                Tolerances.FLOAT64_TIGHT, Tolerances.FLOAT64_TIGHT);
        Gradcheck.check(in -> in[0].logSoftmax(dim), x);
    }

    @Provide
    Arbitrary<Tensor> anyLayout() {
        return tensorsInAnyLayout(values());
    }

    @Provide
    Arbitrary<Integer> dimChoice() {
        return Arbitraries.integers().between(0, 23);
    }

    /** A valid dimension of x derived from {@code choice}: negative for odd choices. */
    private static int dimension(Tensor x, int choice) {
        int d = (choice / 2) % x.dim();
        return choice % 2 == 0 ? d : d - x.dim();
    }
}
