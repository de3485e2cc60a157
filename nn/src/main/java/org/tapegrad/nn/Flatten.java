package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/**
 * Flattens dimensions {@code start_dim..end_dim} into one, PyTorch's {@code nn.Flatten} (defaults
 * {@code start_dim=1, end_dim=-1}: keep the batch dimension). Input {@code (N, C, H, W)} gives
 * {@code (N, C·H·W)} with the defaults. No parameters.
 */
public final class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    /** {@code Flatten(start_dim=1, end_dim=-1)}. */
    public Flatten() {
        this(1, -1);
    }

    /** Flattens {@code startDim..endDim} (negative values count from the end). */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return input.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
