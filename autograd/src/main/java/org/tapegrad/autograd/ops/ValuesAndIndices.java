package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Tensor;

/**
 * The result of {@code max(dim)} / {@code min(dim)}: the extreme values (differentiable) and the index
 * of each within the reduced dimension (exact integers in a float64 tensor, not differentiable).
 */
public record ValuesAndIndices(Tensor values, Tensor indices) {
}
