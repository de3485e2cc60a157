package org.tapegrad.nn.inspect;

import org.tapegrad.autograd.Tensor;

/**
 * A loss of the model's output against a target, reduced to a single number:
 * {@code new CrossEntropyLoss()::forward}, or a lambda such as {@code (y, t) -> y.sub(t).pow(2).mean()}.
 */
@FunctionalInterface
public interface LossFunction {
    /**
     * @param output the model's output; not modified
     * @param target not modified
     * @return a tensor of one element that depends on the output
     */
    Tensor apply(Tensor output, Tensor target);
}
