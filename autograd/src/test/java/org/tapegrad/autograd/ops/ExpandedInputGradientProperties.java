package org.tapegrad.autograd.ops;

import static org.tapegrad.autograd.testing.TensorArbitraries.awayFromKinks;
import static org.tapegrad.autograd.testing.TensorArbitraries.broadcastPairs;
import static org.tapegrad.autograd.testing.TensorArbitraries.layouts;
import static org.tapegrad.autograd.testing.TensorArbitraries.tensors;

import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Every op reads expanded (stride-0) views correctly: gradcheck passes for each op applied to
 * {@code x.expand(target)}, where several output elements share one input element. (Gradcheck cannot
 * perturb an expanded tensor itself, so the view is made inside the checked function.)
 */
class ExpandedInputGradientProperties {
    /** A leaf and a shape it broadcasts to. */
    record Expansion(Tensor x, int[] target) {
    }

    @Property(tries = 50)
    void everyUnaryOpGradchecksOnAnExpandedView(@ForAll("expansions") Expansion e) {
        int[] target = e.target();
        int last = target.length - 1;
        List<UnaryOperator<Tensor>> ops = List.of(Tensor::neg, Tensor::exp, Tensor::tanh, Tensor::sigmoid, Tensor::relu,
                Tensor::abs, t -> t.leakyRelu(0.1), t -> t.mul(t), t -> t.pow(2), t -> t.sum(),
                t -> t.sum(0, true), t -> t.mean(last, false), t -> t.softmax(last), t -> t.logSoftmax(0),
                Tensor::contiguous, t -> t.reshape(-1), Tensor::flatten, t -> t.transpose(0, last),
                t -> t.narrow(last, 0, 1), t -> t.unsqueeze(0).squeeze(0), t -> Tensor.cat(List.of(t, t), 0),
                t -> Tensor.stack(List.of(t, t.neg()), last + 1), t -> t.permute(reversed(target.length)));
        for (UnaryOperator<Tensor> op : ops) {
            Gradcheck.check(in -> op.apply(in[0].expand(target)), e.x());
        }
    }

    @Property(tries = 40)
    void matmulAndLinearGradcheckOnExpandedOperands(@ForAll("expansions") Expansion e) {
        int[] target = e.target();
        if (target.length < 2) {
            target = new int[] {2, target[0]};
        }
        int[] t = target;
        int k = t[t.length - 1];
        Tensor w = Tensor.of(new double[k * 3], k, 3).add(0.5).requiresGrad(true);
        Gradcheck.check(in -> in[0].expand(t).matmul(in[1]), e.x(), w);
        Gradcheck.check(in -> in[1].t().matmul(in[0].expand(t).transpose(-1, -2)), e.x(), w);
        Gradcheck.check(in -> Matmul.linear(in[0].expand(t), in[1].t(), null), e.x(), w);
    }

    /** A leaf of the first shape of a broadcast pair (values away from kinks) and the pair's broadcast shape. */
    @Provide
    Arbitrary<Expansion> expansions() {
        return Combinators.combine(broadcastPairs(), layouts()).flatAs((pair, layout) ->
                tensors(pair[0], awayFromKinks(), layout).map(x -> new Expansion(x,
                        Shapes.broadcast("test", pair[0], pair[1]))));
    }

    private static int[] reversed(int rank) {
        int[] order = new int[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = rank - 1 - d;
        }
        return order;
    }
}
