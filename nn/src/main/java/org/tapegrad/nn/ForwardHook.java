package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/**
 * Called after a module's forward pass with the module, its input and its output, like a PyTorch
 * forward hook. Inspection tools use it to record activations; see {@link Module#registerForwardHook}.
 * The hook must not modify the tensors in place.
 */
@FunctionalInterface
public interface ForwardHook {
    /**
     * Sees one forward pass.
     *
     * @param module the module whose {@link Module#forward} just ran
     * @param input its input; not modified
     * @param output its output; not modified
     */
    void afterForward(Module module, Tensor input, Tensor output);
}
