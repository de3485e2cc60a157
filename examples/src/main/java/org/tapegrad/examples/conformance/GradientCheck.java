package org.tapegrad.examples.conformance;

import java.util.function.Function;
import org.tapegrad.autograd.Tensor;

/**
 * The common pattern of the single-operation cases: inputs {@code x, y, …} become float64 leaves,
 * {@code out = f(inputs)} is compared with {@code out}, then {@code out.backward(g)} and each input's
 * gradient is compared with {@code d<name>}.
 */
final class GradientCheck {
    private GradientCheck() {
    }

    static void run(ReferenceCase c, CaseReport report, Function<Tensor[], Tensor> f, String... inputNames) {
        Tensor[] inputs = new Tensor[inputNames.length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = c.tensor(inputNames[i]).requiresGrad(true);
        }
        Tensor out = f.apply(inputs);
        report.check("out", out);
        out.backward(c.tensor("g", out.dtype()));
        for (int i = 0; i < inputs.length; i++) {
            report.check("d" + inputNames[i], inputs[i].grad());
        }
    }
}
