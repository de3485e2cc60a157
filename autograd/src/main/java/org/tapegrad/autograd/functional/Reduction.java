package org.tapegrad.autograd.functional;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** One loss value per element, same shape as the target. */
    NONE,
    /** The (weighted) mean. */
    MEAN,
    /** The sum. */
    SUM
}
