package org.tapegrad.autograd.ops;

import java.util.Arrays;
import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Operations that change how elements are indexed without changing them. Where PyTorch returns a view,
 * so does this class: the result shares the input's storage, with new shape, strides and offset.
 * Each view's backward maps the gradient back to the input's shape:
 * <pre>
 *   reshape/view/flatten/squeeze/unsqueeze:  dx = g.reshape(x.shape)
 *   transpose(a, b):                          dx = g.transpose(a, b)
 *   permute(order):                           dx = g.permute(inverse(order))
 *   expand:                                   dx = g summed over the expanded dimensions
 *   narrow(dim, start, len):                  dx = zeros with g written into the slice
 * </pre>
 */
public final class Views {
    private Views() {
    }

    /** See {@link Tensor#reshape}: a view when {@link #view} can make one, else a contiguous copy. */
    public static Tensor reshape(Tensor x, int[] newShape) {
        int[] shape = inferShape("reshape", newShape, x.numel(), x.shape());
        int[] strides = viewStrides(x.shape(), x.strides(), shape);
        if (strides != null) {
            return recordView("reshape", x, x.asStrided(shape, strides, x.storageOffset()));
        }
        return recordView("reshape", x, Tensor.wrapExact(x.toDoubleArray(), x.dtype(), shape));
    }

    /** See {@link Tensor#view}. */
    public static Tensor view(Tensor x, int[] newShape) {
        int[] shape = inferShape("view", newShape, x.numel(), x.shape());
        int[] strides = viewStrides(x.shape(), x.strides(), shape);
        if (strides == null) {
            throw new ShapeException("view: view size " + Shapes.format(shape) + " is not compatible with the input's "
                    + "size " + Shapes.format(x.shape()) + " and stride " + Arrays.toString(x.strides())
                    + " (at least one dimension spans across two contiguous subspaces). Use reshape(...) instead.");
        }
        return recordView("view", x, x.asStrided(shape, strides, x.storageOffset()));
    }

    /** Flattens dimensions {@code start..end} (inclusive, negative from the end) into one. */
    public static Tensor flatten(Tensor x, int start, int end) {
        int[] shape = x.shape();
        if (shape.length == 0) {
            return reshape(x, new int[] {1});
        }
        int s = Shapes.normalizeDim("flatten", start, shape.length);
        int e = Shapes.normalizeDim("flatten", end, shape.length);
        if (s > e) {
            throw new IllegalArgumentException("flatten: start dim " + start + " cannot come after end dim " + end);
        }
        int[] out = new int[shape.length - (e - s)];
        int j = 0;
        for (int d = 0; d < s; d++) {
            out[j++] = shape[d];
        }
        int merged = 1;
        for (int d = s; d <= e; d++) {
            merged *= shape[d];
        }
        out[j++] = merged;
        for (int d = e + 1; d < shape.length; d++) {
            out[j++] = shape[d];
        }
        return reshape(x, out);
    }

    /** Swaps dimensions {@code d0} and {@code d1}. */
    public static Tensor transpose(Tensor x, int d0, int d1) {
        int rank = x.dim();
        int a = Shapes.normalizeDim("transpose", d0, rank);
        int b = Shapes.normalizeDim("transpose", d1, rank);
        int[] shape = x.shape();
        int[] strides = x.strides();
        if (rank > 0) {
            swap(shape, a, b);
            swap(strides, a, b);
        }
        Tensor out = x.asStrided(shape, strides, x.storageOffset());
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("transpose", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.transpose(a, b)};
                }
            });
        }
        return out;
    }

    /** The matrix transpose of a tensor of at most 2 dimensions. */
    public static Tensor t(Tensor x) {
        if (x.dim() > 2) {
            throw new ShapeException("t: expects a tensor with <= 2 dimensions, but got shape " + Shapes.format(x.shape())
                    + "; use transpose(dim0, dim1)");
        }
        return x.dim() < 2 ? x : transpose(x, 0, 1);
    }

    /** Reorders dimensions: output dimension {@code i} is input dimension {@code order[i]}. */
    public static Tensor permute(Tensor x, int[] order) {
        int rank = x.dim();
        if (order.length != rank) {
            throw new ShapeException("permute: the number of dims don't match: the tensor has shape "
                    + Shapes.format(x.shape()) + " but the order " + Arrays.toString(order) + " has " + order.length);
        }
        boolean[] seen = Shapes.dimMask("permute", order, rank);
        assert seen.length == rank;
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] newShape = new int[rank];
        int[] newStrides = new int[rank];
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shapes.normalizeDim("permute", order[i], rank);
            newShape[i] = shape[d];
            newStrides[i] = strides[d];
            inverse[d] = i;
        }
        Tensor out = x.asStrided(newShape, newStrides, x.storageOffset());
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("permute", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.permute(inverse)};
                }
            });
        }
        return out;
    }

    /** Broadcasts {@code x} to {@code newShape} with stride 0 along the new or size-1 dimensions. */
    public static Tensor expand(Tensor x, int[] newShape) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        if (newShape.length < shape.length) {
            throw new ShapeException("expand: the number of sizes provided (" + newShape.length + ") must be greater "
                    + "or equal to the number of dimensions in the tensor (" + shape.length + "); target sizes "
                    + Arrays.toString(newShape) + ", tensor sizes " + Shapes.format(shape));
        }
        int lead = newShape.length - shape.length;
        int[] outShape = new int[newShape.length];
        int[] outStrides = new int[newShape.length];
        for (int d = 0; d < newShape.length; d++) {
            int target = newShape[d];
            if (d < lead) {
                if (target < 0) {
                    throw new ShapeException("expand: the expanded size " + target + " is not allowed in a leading, "
                            + "non-existing dimension " + d);
                }
                outShape[d] = target;
                outStrides[d] = 0;
                continue;
            }
            int own = shape[d - lead];
            if (target == -1 || target == own) {
                outShape[d] = own;
                outStrides[d] = strides[d - lead];
            } else if (own == 1 && target >= 0) {
                outShape[d] = target;
                outStrides[d] = 0;
            } else {
                throw new ShapeException("expand: the expanded size of the tensor (" + target + ") must match the "
                        + "existing size (" + own + ") at non-singleton dimension " + d + ". Target sizes: "
                        + Arrays.toString(newShape) + ". Tensor sizes: " + Shapes.format(shape));
            }
        }
        Shapes.numel("expand", outShape);
        Tensor out = x.asStrided(outShape, outStrides, x.storageOffset());
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("expand", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Broadcasting.reduceTo(g, shape)};
                }
            });
        }
        return out;
    }

    /** Removes every dimension of size 1. */
    public static Tensor squeeze(Tensor x) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int keep = 0;
        for (int s : shape) {
            keep += s == 1 ? 0 : 1;
        }
        int[] newShape = new int[keep];
        int[] newStrides = new int[keep];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                newShape[j] = shape[d];
                newStrides[j++] = strides[d];
            }
        }
        return recordView("squeeze", x, x.asStrided(newShape, newStrides, x.storageOffset()));
    }

    /** Removes dimension {@code dim} if its size is 1; otherwise returns a view of the same shape. */
    public static Tensor squeeze(Tensor x, int dim) {
        if (x.dim() == 0) {
            Shapes.normalizeDim("squeeze", dim, 0);
            return recordView("squeeze", x, x.asStrided(new int[0], new int[0], x.storageOffset()));
        }
        int d = Shapes.normalizeDim("squeeze", dim, x.dim());
        if (x.size(d) != 1) {
            return recordView("squeeze", x, x.asStrided(x.shape(), x.strides(), x.storageOffset()));
        }
        return recordView("squeeze", x, x.asStrided(Shapes.remove(x.shape(), d), Shapes.remove(x.strides(), d),
                x.storageOffset()));
    }

    /** Inserts a dimension of size 1 at {@code dim} (in {@code [-(rank+1), rank]}). */
    public static Tensor unsqueeze(Tensor x, int dim) {
        int d = Shapes.normalizeDim("unsqueeze", dim, x.dim() + 1);
        int[] shape = x.shape();
        int stride = d < shape.length ? x.strides()[d] * shape[d] : 1;
        return recordView("unsqueeze", x, x.asStrided(Shapes.insert(shape, d, 1), Shapes.insert(x.strides(), d, stride),
                x.storageOffset()));
    }

    /** The slice {@code [start, start + length)} of dimension {@code dim}. */
    public static Tensor narrow(Tensor x, int dim, int start, int length) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException("narrow: cannot be applied to a 0-d tensor (shape [])");
        }
        int d = Shapes.normalizeDim("narrow", dim, x.dim());
        int size = x.size(d);
        if (start < 0 || length < 0 || start + length > size) {
            throw new IndexOutOfBoundsException("narrow: start (" + start + ") + length (" + length
                    + ") exceeds dimension " + d + " of size " + size + " (shape " + Shapes.format(x.shape()) + ")");
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] inputShape = x.shape();
        shape[d] = length;
        Tensor out = x.asStrided(shape, strides, x.storageOffset() + start * strides[d]);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("narrow", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor dx = Tensor.zeros(g.dtype(), inputShape);
                    dx.narrow(d, start, length).copyFrom(g);
                    return new Tensor[] {dx};
                }
            });
        }
        return out;
    }

    /** {@code x} if row-major, else a row-major copy; the gradient passes through. */
    public static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) {
            return x;
        }
        return clone(x);
    }

    /** A row-major copy; the gradient passes through unchanged. */
    public static Tensor clone(Tensor x) {
        Tensor out = Tensor.wrapExact(x.toDoubleArray(), x.dtype(), x.shape());
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("clone", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g};
                }
            });
        }
        return out;
    }

    private static Tensor recordView(String op, Tensor x, Tensor out) {
        if (Autograd.needsGrad(x)) {
            int[] inputShape = x.shape();
            Autograd.record(out, new Node(op, x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.reshape(inputShape)};
                }
            });
        }
        return out;
    }

    /**
     * Resolves a single -1 in a requested shape and checks the element count.
     *
     * @throws ShapeException naming the op, the requested shape and the element count
     */
    static int[] inferShape(String op, int[] requested, int numel, int[] inputShape) {
        int[] shape = requested.clone();
        int unknown = -1;
        long product = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (unknown >= 0) {
                    throw new ShapeException(op + ": only one dimension can be inferred, got "
                            + Arrays.toString(requested));
                }
                unknown = d;
            } else if (shape[d] < 0) {
                throw new ShapeException(op + ": invalid shape dimension " + shape[d] + " in " + Arrays.toString(requested));
            } else {
                product *= shape[d];
            }
        }
        if (unknown >= 0) {
            if (product == 0 || numel % product != 0) {
                throw new ShapeException(op + ": shape " + Arrays.toString(requested) + " is invalid for input of size "
                        + numel + " (shape " + Shapes.format(inputShape) + ")");
            }
            shape[unknown] = (int) (numel / product);
        } else if (product != numel) {
            throw new ShapeException(op + ": shape " + Arrays.toString(requested) + " is invalid for input of size "
                    + numel + " (shape " + Shapes.format(inputShape) + ")");
        }
        return shape;
    }

    /**
     * The strides that let a tensor of {@code oldShape}/{@code oldStrides} be viewed as {@code newShape},
     * or null when the new shape would need elements from different contiguous chunks (PyTorch's
     * {@code computeStride}).
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int[] newStrides = new int[newShape.length];
        if (oldShape.length == 0) {
            Arrays.fill(newStrides, 1);
            return newStrides;
        }
        long numel = 1;
        for (int s : oldShape) {
            numel *= s;
        }
        if (numel == 0) {
            return Arrays.equals(oldShape, newShape) ? oldStrides.clone() : Shapes.contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBaseStride = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
            tensorNumel *= oldShape[tensorD];
            boolean chunkEnds = tensorD == 0
                    || (oldShape[tensorD - 1] != 1 && oldStrides[tensorD - 1] != tensorNumel * chunkBaseStride);
            if (chunkEnds) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBaseStride);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (tensorD > 0) {
                    chunkBaseStride = oldStrides[tensorD - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
