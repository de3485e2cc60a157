package org.tapegrad.nn.optim;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.tapegrad.autograd.Tensor;

/**
 * Updates a fixed list of parameters from their gradients, like {@code torch.optim.Optimizer} with
 * one parameter group. {@link #step()} applies one update; {@link #zeroGrad()} clears the gradients.
 */
public abstract class Optimizer {
    private final List<Tensor> params;

    /**
     * @param params the parameters to update, in order: leaf tensors, each at most once
     * @throws IllegalArgumentException if the list is empty, holds a non-leaf tensor, or holds the same
     *     tensor twice
     */
    protected Optimizer(List<Tensor> params) {
        String name = getClass().getSimpleName();
        if (params == null) {
            throw new NullPointerException(name + ": params is null");
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name + ": optimizer got an empty parameter list");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) {
                throw new NullPointerException(name + ": parameter " + i + " is null");
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": can't optimize a non-leaf Tensor (parameter " + i + ")");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name + ": optimizer contains a parameter group with duplicate "
                        + "parameters (parameter " + i + " appears earlier in the list)");
            }
        }
        this.params = List.copyOf(params);
    }

    /** The parameters, in the order given. */
    public final List<Tensor> params() {
        return params;
    }

    /** Updates every parameter that has a gradient, in place. */
    public abstract void step();

    /** Sets every parameter's gradient to null, as PyTorch's {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }
}
