package org.tapegrad.autograd.ops;

import static org.tapegrad.autograd.testing.TensorArbitraries.awayFromKinks;
import static org.tapegrad.autograd.testing.TensorArbitraries.layouts;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensors;
import static org.tapegrad.autograd.testing.TensorArbitraries.values;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Tensor;

/**
 * Ops composed into small networks: backward rules then receive gradients that are themselves views
 * (expanded by sum, transposed by transpose, sliced by narrow) and tensors reach the same node along
 * several paths. Gradcheck passes for all inputs at once. Only smooth functions are applied to computed
 * values (a relu or max of a computed value could land within the finite-difference step of its kink).
 */
class CompositeGraphGradientProperties {
    /** x (batch, in), w (hidden, in), b (hidden), v (hidden, out), each in some layout. */
    record Network(Tensor x, Tensor w, Tensor b, Tensor v) {
        Tensor[] all() {
            return new Tensor[] {x, w, b, v};
        }
    }

    @Property(tries = 30)
    void twoLayerPerceptronWithLogSoftmaxGradchecks(@ForAll("networks") Network n) {
        Gradcheck.check(in -> Matmul.linear(in[0], in[1], in[2]).tanh().matmul(in[3]).logSoftmax(-1), n.all());
    }

    @Property(tries = 30)
    void graphWithTransposedSlicedAndReusedIntermediatesGradchecks(@ForAll("networks") Network n) {
        Gradcheck.check(in -> {
            Tensor h = in[0].matmul(in[1].t()).add(in[2]).sigmoid();      // (batch, hidden)
            Tensor s = h.t().softmax(0).t();                               // softmax over the batch
            Tensor firstColumn = h.narrow(1, 0, 1);                        // (batch, 1)
            Tensor centred = h.sub(h.mean(0, true)).div(h.var(null, 0, false).add(1.0));
            return Tensor.cat(List.of(s.mul(centred), firstColumn.expand(h.shape()).mul(h)), 1)
                    .sum(1, false).add(s.matmul(in[3]).pow(2).sum(-1, false));
        }, n.all());
    }

    @Property(tries = 30)
    void reductionGradientsFlowingIntoMatmulAndViewsGradcheck(@ForAll("networks") Network n) {
        Gradcheck.check(in -> {
            Tensor pooled = in[0].sum(0, true).expand(in[0].shape());                  // expanded gradient
            Tensor mixed = pooled.matmul(in[1].t()).mul(in[0].matmul(in[1].t()));     // (batch, hidden)
            Tensor stacked = Tensor.stack(List.of(mixed, mixed.sigmoid()), 0);           // (2, batch, hidden)
            return stacked.permute(2, 0, 1).reshape(-1).logSoftmax(0).narrow(0, 1, 3)
                    .add(stacked.var(new int[] {0, 1}, 1, false).matmul(in[3]).sum());
        }, n.all());
    }

    @Provide
    Arbitrary<Network> networks() {
        return Combinators.combine(Arbitraries.integers().between(2, 3), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(2, 3), Arbitraries.integers().between(1, 3),
                layouts().list().ofSize(4)).flatAs((batch, in, hidden, out, layout) -> Combinators.combine(
                        tensors(new int[] {batch, in}, values(), layout.get(0)),
                        tensors(new int[] {hidden, in}, values(), layout.get(1)),
                        tensors(new int[] {hidden}, awayFromKinks(), layout.get(2)),
                        tensors(new int[] {hidden, out}, values(), layout.get(3)))
                        .as(Network::new));
    }
}
