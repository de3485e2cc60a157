package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/**
 * PyTorch's {@code nn.Parameter(data)}: a tensor meant to be trained. In tapegrad a parameter is simply a
 * leaf {@link Tensor} that requires grad ({@code Tensor} is final, so there is no subclass); a module
 * makes it one of its parameters with {@code registerParameter(name, tensor)}, which is what puts it in
 * {@link Module#parameters()} and {@link Module#stateDict()}.
 *
 * <pre>{@code
 * Tensor scale = registerParameter("scale", Parameter.of(Tensor.ones(3)));
 * }</pre>
 */
public final class Parameter {
    private Parameter() {
    }

    /**
     * A new leaf that shares {@code data}'s memory, cut off from any tape, and requires grad.
     *
     * @param data not modified
     */
    public static Tensor of(Tensor data) {
        return data.detach().requiresGrad(true);
    }
}
