package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Reductions over all elements or over chosen dimensions.
 *
 * <p>Shapes: input {@code (d0, …, dk)}; {@code dims} null means every dimension. The output drops the
 * reduced dimensions, or keeps them with size 1 when {@code keepDim}. With {@code N} the number of
 * elements reduced into each output, {@code m} the mean and {@code c} the correction:
 * <pre>
 *   sum:  y = Σ x            dx = g
 *   mean: y = Σ x / N        dx = g / N
 *   var:  y = Σ (x − m)² / (N − c)        dx = 2 g (x − m) / (N − c)
 *   std:  y = √var           dx = g (x − m) / ((N − c) · y)
 *   max:  y = max x          dx = g at the arg-max, 0 elsewhere
 * </pre>
 * where {@code g} is broadcast back over the reduced dimensions. Accumulation is in double precision.
 */
public final class Reductions {
    private Reductions() {
    }

    /** Sum over {@code dims} (null: all). */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        Reduction r = new Reduction("sum", x, dims);
        Tensor out = Tensor.wrap(r.sum(Kernels.rowMajor(x)), x.dtype(), r.outputShape(keepDim));
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("sum", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.reshape(r.keptShape).expand(r.shape)};
                }
            });
        }
        return out;
    }

    /** Mean over {@code dims} (null: all). */
    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        Reduction r = new Reduction("mean", x, dims);
        double[] sums = r.sum(Kernels.rowMajor(x));
        for (int i = 0; i < sums.length; i++) {
            sums[i] /= r.count;
        }
        Tensor out = Tensor.wrap(sums, x.dtype(), r.outputShape(keepDim));
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("mean", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.div(r.count).reshape(r.keptShape).expand(r.shape)};
                }
            });
        }
        return out;
    }

    /** Variance over {@code dims} (null: all) with Bessel-style {@code correction}. */
    public static Tensor var(Tensor x, int[] dims, int correction, boolean keepDim) {
        return spread("var", x, dims, correction, keepDim, false);
    }

    /** Standard deviation over {@code dims} (null: all) with {@code correction}. */
    public static Tensor std(Tensor x, int[] dims, int correction, boolean keepDim) {
        return spread("std", x, dims, correction, keepDim, true);
    }

    private static Tensor spread(String op, Tensor x, int[] dims, int correction, boolean keepDim, boolean root) {
        if (correction < 0) {
            throw new IllegalArgumentException(op + ": correction must be non-negative, got " + correction);
        }
        Reduction r = new Reduction(op, x, dims);
        double[] in = Kernels.rowMajor(x);
        double[] mean = r.sum(in);
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= r.count;
        }
        double[] deviation = r.subtractBroadcast(in, mean);
        double[] squares = new double[deviation.length];
        for (int i = 0; i < squares.length; i++) {
            squares[i] = deviation[i] * deviation[i];
        }
        double[] values = r.sum(squares);
        double divisor = r.count - correction;
        for (int i = 0; i < values.length; i++) {
            values[i] = root ? Math.sqrt(values[i] / divisor) : values[i] / divisor;
        }
        Tensor out = Tensor.wrap(values, x.dtype(), r.outputShape(keepDim));
        if (Autograd.needsGrad(x)) {
            Tensor centred = Tensor.wrap(deviation, x.dtype(), r.shape);
            Autograd.record(out, new Node(op, x) {
                final SavedTensor savedX = save(x);
                final SavedTensor savedOut = root ? save(out) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    savedX.get();
                    Tensor gKept = g.reshape(r.keptShape);
                    Tensor scale = root ? gKept.div(savedOut.get().reshape(r.keptShape).mul(divisor))
                            : gKept.mul(2.0 / divisor);
                    return new Tensor[] {centred.mul(scale)};
                }
            });
        }
        return out;
    }

    /** Maximum over {@code dim} with the index of the first maximum. */
    public static ValuesAndIndices max(Tensor x, int dim, boolean keepDim) {
        return extreme("max", x, dim, keepDim, true);
    }

    /** Minimum over {@code dim} with the index of the first minimum. */
    public static ValuesAndIndices min(Tensor x, int dim, boolean keepDim) {
        return extreme("min", x, dim, keepDim, false);
    }

    /** Largest element; the gradient is shared evenly among tied maxima, as in PyTorch. */
    public static Tensor maxAll(Tensor x) {
        return extremeAll("max", x, true);
    }

    /** Smallest element; the gradient is shared evenly among tied minima. */
    public static Tensor minAll(Tensor x) {
        return extremeAll("min", x, false);
    }

    private static ValuesAndIndices extreme(String op, Tensor x, int dim, boolean keepDim, boolean largest) {
        int[] shape = x.shape();
        int rank = shape.length;
        int d = Shapes.normalizeDim(op, dim, rank);
        int size = rank == 0 ? 1 : shape[d];
        if (size == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce over dimension " + d + " of size 0 (shape "
                    + Shapes.format(shape) + ")");
        }
        int outer = 1;
        for (int i = 0; i < d; i++) {
            outer *= shape[i];
        }
        int inner = 1;
        for (int i = d + 1; i < rank; i++) {
            inner *= shape[i];
        }
        double[] in = Kernels.rowMajor(x);
        double[] values = new double[outer * inner];
        double[] indices = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * size * inner + i;
                double best = in[base];
                int bestIndex = 0;
                for (int k = 1; k < size && !Double.isNaN(best); k++) {
                    double v = in[base + k * inner];
                    if (Double.isNaN(v) || (largest ? v > best : v < best)) {
                        best = v;
                        bestIndex = k;
                    }
                }
                values[o * inner + i] = best;
                indices[o * inner + i] = bestIndex;
            }
        }
        int[] kept = rank == 0 ? new int[0] : shape.clone();
        if (rank > 0) {
            kept[d] = 1;
        }
        int[] outShape = keepDim || rank == 0 ? kept : Shapes.remove(shape, d);
        Tensor out = Tensor.wrap(values, x.dtype(), outShape);
        Tensor idx = Tensor.wrap(indices.clone(), DType.FLOAT64, outShape);
        if (Autograd.needsGrad(x)) {
            final int outerF = outer;
            final int innerF = inner;
            Autograd.record(out, new Node(op, x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] gd = Kernels.rowMajor(g);
                    double[] dx = new double[x.numel()];
                    for (int o = 0; o < outerF; o++) {
                        for (int i = 0; i < innerF; i++) {
                            int j = o * innerF + i;
                            dx[o * size * innerF + (int) indices[j] * innerF + i] = gd[j];
                        }
                    }
                    return new Tensor[] {Tensor.wrap(dx, x.dtype(), shape)};
                }
            });
        }
        return new ValuesAndIndices(out, idx);
    }

    private static Tensor extremeAll(String op, Tensor x, boolean largest) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException(op + ": the operation does not have an identity, so it cannot "
                    + "reduce an empty tensor of shape " + Shapes.format(x.shape()));
        }
        double[] in = Kernels.rowMajor(x);
        double best = in[0];
        for (int k = 1; k < in.length && !Double.isNaN(best); k++) {
            if (Double.isNaN(in[k]) || (largest ? in[k] > best : in[k] < best)) {
                best = in[k];
            }
        }
        Tensor out = Tensor.scalar(best, x.dtype());
        if (Autograd.needsGrad(x)) {
            final double extremum = best;
            Autograd.record(out, new Node(op, x) {
                final SavedTensor savedX = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] values = Kernels.rowMajor(savedX.get());
                    double[] dx = new double[values.length];
                    int ties = 0;
                    for (double v : values) {
                        ties += v == extremum ? 1 : 0;
                    }
                    double share = g.item() / Math.max(ties, 1);
                    for (int k = 0; k < values.length; k++) {
                        dx[k] = values[k] == extremum ? share : 0.0;
                    }
                    return new Tensor[] {Tensor.wrap(dx, x.dtype(), x.shape())};
                }
            });
        }
        return out;
    }

    /** The bookkeeping of one reduction: which dimensions, the kept shape and the element count N. */
    private static final class Reduction {
        final int[] shape;
        final boolean[] reduced;
        final int[] keptShape;
        final int count;

        Reduction(String op, Tensor x, int[] dims) {
            shape = x.shape();
            if (dims == null || dims.length == 0) {
                // As in PyTorch, an empty list of dimensions means all of them.
                reduced = new boolean[shape.length];
                java.util.Arrays.fill(reduced, true);
            } else {
                reduced = Shapes.dimMask(op, dims, shape.length);
            }
            keptShape = shape.clone();
            int n = 1;
            for (int d = 0; d < shape.length; d++) {
                if (reduced[d]) {
                    n *= shape[d];
                    keptShape[d] = 1;
                }
            }
            count = n;
        }

        int[] outputShape(boolean keepDim) {
            if (keepDim) {
                return keptShape.clone();
            }
            int rank = 0;
            for (boolean r : reduced) {
                rank += r ? 0 : 1;
            }
            int[] out = new int[rank];
            for (int d = 0, j = 0; d < shape.length; d++) {
                if (!reduced[d]) {
                    out[j++] = shape[d];
                }
            }
            return out;
        }

        /** Strides that map an input position to its output position (0 along reduced dimensions). */
        int[] outputStridesOverInput() {
            int[] kept = Shapes.contiguousStrides(keptShape);
            for (int d = 0; d < shape.length; d++) {
                if (reduced[d]) {
                    kept[d] = 0;
                }
            }
            return kept;
        }

        /** Sums the row-major input into an array of the kept shape. */
        double[] sum(double[] in) {
            double[] out = new double[Shapes.numel("sum", keptShape)];
            StridedLoop.rows(shape, new int[] {0, 0},
                    new int[][] {Shapes.contiguousStrides(shape), outputStridesOverInput()},
                    (offs, st, n) -> {
                        int i0 = offs[0];
                        int o0 = offs[1];
                        int is = st[0];
                        if (st[1] == 0) {
                            double acc = 0;
                            for (int i = 0; i < n; i++) {
                                acc += in[i0 + i * is];
                            }
                            out[o0] += acc;
                        } else {
                            int os = st[1];
                            for (int i = 0; i < n; i++) {
                                out[o0 + i * os] += in[i0 + i * is];
                            }
                        }
                    });
            return out;
        }

        /** in − kept-shaped values broadcast over the reduced dimensions, as a row-major array. */
        double[] subtractBroadcast(double[] in, double[] kept) {
            double[] out = new double[in.length];
            StridedLoop.rows(shape, new int[] {0, 0},
                    new int[][] {Shapes.contiguousStrides(shape), outputStridesOverInput()},
                    (offs, st, n) -> {
                        for (int i = 0; i < n; i++) {
                            int k = offs[0] + i * st[0];
                            out[k] = in[k] - kept[offs[1] + i * st[1]];
                        }
                    });
            return out;
        }
    }
}
