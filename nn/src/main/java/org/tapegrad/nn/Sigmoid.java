package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/** {@code y = 1/(1 + e^(−x))} elementwise, PyTorch's {@code nn.Sigmoid}. Input: any shape; output: the same shape. */
public final class Sigmoid extends Module {
    @Override
    protected Tensor compute(Tensor input) {
        return input.sigmoid();
    }
}
