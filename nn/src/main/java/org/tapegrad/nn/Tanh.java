package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/** {@code y = tanh(x)} elementwise, PyTorch's {@code nn.Tanh}. Input: any shape; output: the same shape. */
public final class Tanh extends Module {
    @Override
    protected Tensor compute(Tensor input) {
        return input.tanh();
    }
}
