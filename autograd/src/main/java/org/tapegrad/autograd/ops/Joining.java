package org.tapegrad.autograd.ops;

import java.util.ArrayList;
import java.util.List;
import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Joining tensors along a dimension.
 * <pre>
 *   cat:   shapes (…, n_i, …) along dim → (…, Σ n_i, …);  dx_i = the i-th slice of g
 *   stack: k tensors of shape S → shape S with k inserted at dim; stack = cat of unsqueezed inputs
 * </pre>
 */
public final class Joining {
    private Joining() {
    }

    /** Concatenates along {@code dim}; all other sizes and the dtypes must agree. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        }
        Tensor first = tensors.get(0);
        int rank = first.dim();
        if (rank == 0) {
            throw new ShapeException("cat: zero-dimensional tensor (at position 0) cannot be concatenated");
        }
        int d = Shapes.normalizeDim("cat", dim, rank);
        DType type = first.dtype();
        int[] outShape = first.shape();
        outShape[d] = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dtype() != type) {
                throw new IllegalArgumentException("cat: expected all tensors to have dtype " + type
                        + ", but the tensor at position " + i + " has " + t.dtype());
            }
            int[] s = t.shape();
            if (s.length != rank) {
                throw new ShapeException("cat: tensors must have the same number of dimensions: got " + rank
                        + " and " + s.length + " (tensor at position " + i + ", shape " + Shapes.format(s) + ")");
            }
            for (int k = 0; k < rank; k++) {
                if (k != d && s[k] != first.size(k)) {
                    throw new ShapeException("cat: sizes of tensors must match except in dimension " + d
                            + ". Expected size " + first.size(k) + " but got size " + s[k] + " for tensor number " + i
                            + " in the list (shapes " + Shapes.format(first.shape()) + " and " + Shapes.format(s) + ")");
                }
            }
            outShape[d] += s[d];
        }
        Tensor out = Tensor.zeros(type, outShape);
        int[] starts = new int[tensors.size()];
        int start = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            starts[i] = start;
            Arithmetic.applyInPlace("cat", Arithmetic.Kernel.SECOND, out.asStrided(t.shape(), out.strides(),
                    start * out.strides()[d]), t);
            start += t.size(d);
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        if (Autograd.needsGrad(inputs)) {
            Autograd.record(out, new Node("cat", inputs) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor[] grads = new Tensor[inputs.length];
                    for (int i = 0; i < inputs.length; i++) {
                        if (needsInputGrad(i)) {
                            grads[i] = g.narrow(d, starts[i], inputs[i].size(d));
                        }
                    }
                    return grads;
                }
            });
        }
        return out;
    }

    /** Stacks equally shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        }
        int[] shape = tensors.get(0).shape();
        int d = Shapes.normalizeDim("stack", dim, shape.length + 1);
        List<Tensor> unsqueezed = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                throw new ShapeException("stack: expects each tensor to be equal size, but got " + Shapes.format(shape)
                        + " at entry 0 and " + Shapes.format(t.shape()) + " at entry " + i);
            }
            unsqueezed.add(t.unsqueeze(d));
        }
        return cat(unsqueezed, d);
    }
}
