package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/**
 * {@code y = max(x, 0)} elementwise, PyTorch's {@code nn.ReLU}; the gradient at exactly 0 is 0.
 * Input: any shape; output: the same shape. No parameters.
 */
public final class ReLU extends Module {
    @Override
    protected Tensor compute(Tensor input) {
        return input.relu();
    }
}
