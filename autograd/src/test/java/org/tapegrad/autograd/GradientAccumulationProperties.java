package org.tapegrad.autograd;

import static org.tapegrad.autograd.testing.TensorArbitraries.tensorsInAnyLayout;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.testing.Tolerances;

/**
 * Gradients accumulate in leaves: two backward passes (through two graphs, or twice through one graph
 * kept with retainGraph) leave exactly twice the gradient of one pass.
 */
class GradientAccumulationProperties {

    @Property(tries = 40)
    void twoBackwardCallsAccumulateTwiceTheGradientOfOne(@ForAll("leaves") Tensor x) {
        x.zeroGrad();
        Tensor w = x.detach().tanh();
        x.mul(x).mul(w).exp().mean().backward();
        double[] once = x.grad().toDoubleArray();
        x.mul(x).mul(w).exp().mean().backward();
        Tolerances.assertClose(twice(once), x.grad().toDoubleArray(), 0, Tolerances.FLOAT64_TIGHT);
    }

    @Property(tries = 40)
    void backwardTwiceThroughARetainedGraphAccumulatesTwiceTheGradientOfOne(@ForAll("leaves") Tensor x) {
        x.zeroGrad();
        Tensor loss = x.softmax(-1).mul(x).sum();
        loss.backward(null, true);
        double[] once = x.grad().toDoubleArray();
        loss.backward(null, true);
        Tolerances.assertClose(twice(once), x.grad().toDoubleArray(), 0, Tolerances.FLOAT64_TIGHT);
    }

    @Provide
    Arbitrary<Tensor> leaves() {
        return tensorsInAnyLayout(values());
    }

    private static double[] twice(double[] g) {
        double[] out = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = 2 * g[i];
        }
        return out;
    }
}
