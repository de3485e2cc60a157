package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Gemm;
import org.tapegrad.autograd.kernel.Precision;

/**
 * Matrix products on top of the blocked {@link Gemm} kernel.
 *
 * <h2>matmul(a, b)</h2>
 * PyTorch's semantics: a 1-D {@code a} of size k acts as a (1, k) matrix and a 1-D {@code b} as (k, 1),
 * and the added dimension is removed from the result; operands of rank ≥ 3 are stacks of matrices whose
 * leading (batch) dimensions broadcast. With {@code A} (…, m, k) and {@code B} (…, k, n):
 * <pre>
 *   out = A·B   (…, m, n)       dA = g·Bᵀ  (summed over broadcast batch dims)     dB = Aᵀ·g
 * </pre>
 * Transposed 2-D views are passed to the kernel as "transposed" flags, never copied.
 *
 * <h2>linear(x, W, b)</h2>
 * {@code x} (…, in), {@code W} (out, in), {@code b} (out) or null; {@code y = x·Wᵀ + b} (…, out):
 * <pre>
 *   dx = g·W      dW = gᵀ·x      db = Σ_rows g
 * </pre>
 */
public final class Matmul {
    private Matmul() {
    }

    /** See the class documentation. */
    public static Tensor matmul(Tensor a, Tensor b) {
        Arithmetic.checkSameType("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new ShapeException("matmul: both arguments need to be at least 1D, but they are " + a.dim() + "D and "
                    + b.dim() + "D (shapes " + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape()) + ")");
        }
        int k = a.size(-1);
        int kb = b.dim() == 1 ? b.size(0) : b.size(-2);
        if (k != kb) {
            throw new ShapeException("matmul: shapes " + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape())
                    + " cannot be multiplied (" + k + " != " + kb + ")");
        }
        Tensor aMatrix;
        Tensor bMatrix;
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            aMatrix = a.dim() == 1 ? a.unsqueeze(0) : a;
            bMatrix = b.dim() == 1 ? b.unsqueeze(1) : b;
        }
        Tensor full = product(aMatrix, bMatrix, a.isLeaf(), b.isLeaf());
        int[] outShape = full.shape();
        if (a.dim() == 1) {
            outShape = Shapes.remove(outShape, outShape.length - 2);
        }
        if (b.dim() == 1) {
            outShape = Shapes.remove(outShape, outShape.length - 1);
        }
        Tensor out = Tensor.wrapExact(full.storageArray(), a.dtype(), outShape); // product() rounded it
        if (Autograd.needsGrad(a, b)) {
            int[] fullShape = full.shape();
            Autograd.record(out, new Node("matmul", a, b) {
                final SavedTensor savedA = needsInputGrad(1) ? save(a) : null;
                final SavedTensor savedB = needsInputGrad(0) ? save(b) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor gMatrix = g.reshape(fullShape);
                    Tensor da = null;
                    Tensor db = null;
                    if (savedB != null) {
                        Tensor bm = b.dim() == 1 ? savedB.get().unsqueeze(1) : savedB.get();
                        Tensor full = product(gMatrix, bm.transpose(-1, -2), false, false);
                        da = Broadcasting.reduceTo(full, aMatrix.shape()).reshape(a.shape());
                    }
                    if (savedA != null) {
                        Tensor am = a.dim() == 1 ? savedA.get().unsqueeze(0) : savedA.get();
                        Tensor full = product(am.transpose(-1, -2), gMatrix, false, false);
                        db = Broadcasting.reduceTo(full, bMatrix.shape()).reshape(b.shape());
                    }
                    return new Tensor[] {da, db};
                }
            });
        }
        return out;
    }

    /** See the class documentation. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Arithmetic.checkSameType("linear", x, weight);
        if (weight.dim() != 2) {
            throw new ShapeException("linear: weight must be 2-D (out_features, in_features), got shape "
                    + Shapes.format(weight.shape()));
        }
        if (x.dim() == 0) {
            throw new ShapeException("linear: input must have at least 1 dimension, got a 0-d tensor");
        }
        int in = weight.size(1);
        int outFeatures = weight.size(0);
        if (x.size(-1) != in) {
            throw new ShapeException("linear: input shape " + Shapes.format(x.shape()) + " and weight shape "
                    + Shapes.format(weight.shape()) + " cannot be multiplied (" + x.size(-1) + " != " + in + ")");
        }
        if (bias != null) {
            Arithmetic.checkSameType("linear", x, bias);
            if (bias.dim() != 1 || bias.size(0) != outFeatures) {
                throw new ShapeException("linear: bias must have shape [" + outFeatures + "] for weight shape "
                        + Shapes.format(weight.shape()) + ", got " + Shapes.format(bias.shape()));
            }
        }
        int rows = x.numel() / Math.max(in, 1);
        if (in == 0) {
            rows = 1;
            for (int d = 0; d < x.dim() - 1; d++) {
                rows *= x.size(d);
            }
        }
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outFeatures;
        // a float32 input held as floats is read as floats (see Gemm.multiplySingle)
        float[] xf = Kernels.isWholeFloats(x) ? x.storageFloats() : null;
        double[] xd = xf == null ? Kernels.rowMajor(x) : null;
        double[] wd = Kernels.rowMajor(weight);
        double[] y = new double[rows * outFeatures];
        if (bias != null) {
            double[] bd = Kernels.rowMajor(bias);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bd, 0, y, r * outFeatures, outFeatures);
            }
        }
        Precision precision = Kernels.precision(x.dtype());
        if (xf != null) {
            Gemm.multiplySingle(rows, outFeatures, in, null, xf, 0, false, wd, weightFloats(weight, wd), 0, true, y,
                    null, 0, bias != null);
        } else {
            Gemm.multiply(precision, rows, outFeatures, in, xd, null, 0, false, wd, weightFloats(weight, wd), 0, true,
                    y, 0, bias != null);
        }
        Tensor out = Tensor.wrapExact(y, x.dtype(), outShape);
        if (Autograd.needsGrad(x, weight, bias)) {
            final int rowCount = rows;
            Autograd.record(out, new Node("linear", x, weight, bias) {
                final SavedTensor savedX = needsInputGrad(1) ? save(x) : null;
                final SavedTensor savedW = needsInputGrad(0) ? save(weight) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] gd = Kernels.rowMajor(g);
                    Tensor dx = null;
                    Tensor dw = null;
                    Tensor db = null;
                    if (savedW != null) {
                        Tensor w = savedW.get();
                        double[] wd = Kernels.rowMajor(w);
                        if (xf != null) {
                            // an input held as floats gets its gradient as floats; the product overwrites it
                            float[] dxf = uninitializedFloatGradientBuffer(rowCount * in);
                            Gemm.multiplySingle(rowCount, in, outFeatures, gd, null, 0, false, wd, weightFloats(w, wd),
                                    0, false, null, dxf, 0, false);
                            dx = Tensor.wrapFloats(dxf, x.shape());
                        } else {
                            double[] dxd = uninitializedGradientBuffer(rowCount * in); // the product overwrites it
                            Gemm.multiply(precision, rowCount, in, outFeatures, gd, null, 0, false,
                                    wd, weightFloats(w, wd), 0, false, dxd, 0, false);
                            dx = Tensor.wrapExact(dxd, x.dtype(), x.shape());
                        }
                    }
                    if (savedX != null) {
                        Tensor xs = savedX.get();
                        if (precision == Precision.SINGLE) {
                            // written as floats, as PyTorch holds a float32 gradient: half the bytes to write
                            float[] xsf = Kernels.isWholeFloats(xs) ? xs.storageFloats() : null;
                            float[] dwf = new float[outFeatures * in];
                            Gemm.multiplySingle(outFeatures, in, rowCount, gd, null, 0, true,
                                    xsf == null ? Kernels.rowMajor(xs) : null, xsf, 0, false, null, dwf, 0, false);
                            dw = Tensor.wrapFloats(dwf, weight.shape());
                        } else {
                            double[] dwd = new double[outFeatures * in];
                            Gemm.multiply(precision, outFeatures, in, rowCount, gd, 0, true, Kernels.rowMajor(xs), 0,
                                    false, dwd, 0, false);
                            dw = Tensor.wrapExact(dwd, weight.dtype(), weight.shape());
                        }
                    }
                    if (needsInputGrad(2)) {
                        double[] dbd = new double[outFeatures];
                        for (int r = 0; r < rowCount; r++) {
                            for (int o = 0; o < outFeatures; o++) {
                                dbd[o] += gd[r * outFeatures + o];
                            }
                        }
                        db = Tensor.wrap(dbd, bias.dtype(), outFeatures);
                    }
                    return new Tensor[] {dx, dw, db};
                }
            });
        }
        return out;
    }

    /**
     * A weight's values as floats for the products to read ({@link Kernels#floatCopy}), or null. Only
     * leaves get one (a parameter, an input, a tensor computed without recording): they go through
     * products again and again, a fixed weight in every forward pass and a trained one in the forward
     * and backward pass of each step, so converting them once pays for itself, where intermediate
     * results and gradients are read once or twice and would only pay the conversion (and the memory).
     */
    private static float[] weightFloats(Tensor weight, double[] values) {
        return weight.isLeaf() ? Kernels.floatCopy(weight, values) : null;
    }

    /**
     * The (batched) product of two tensors of rank ≥ 2, not recorded. Batch dimensions broadcast.
     *
     * @param floatsA read a float32 {@code a} through its float copy ({@link #weightFloats})
     * @param floatsB the same for {@code b}
     * @return a new contiguous tensor of shape {@code broadcast(batchA, batchB) + [m, n]}
     */
    static Tensor product(Tensor a, Tensor b, boolean floatsA, boolean floatsB) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        int[] batchA = java.util.Arrays.copyOf(as, as.length - 2);
        int[] batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", batchA, batchB);
        } catch (ShapeException e) {
            throw new ShapeException("matmul: shapes " + Shapes.format(as) + " and " + Shapes.format(bs)
                    + " cannot be multiplied: their batch dimensions " + Shapes.format(batchA) + " and "
                    + Shapes.format(batchB) + " do not broadcast");
        }
        int batchCount = Shapes.numel("matmul", batch);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        double[] out = new double[Shapes.numel("matmul", outShape)];
        Operand left = Operand.of(a, batch, floatsA);
        Operand right = Operand.of(b, batch, floatsB);
        int[] index = new int[batch.length];
        Precision precision = Kernels.precision(a.dtype());
        for (int bi = 0; bi < batchCount; bi++) {
            Gemm.multiply(precision, m, n, k, left.data, left.floats, left.offset(index), left.transposed,
                    right.data, right.floats, right.offset(index), right.transposed, out, bi * m * n, false);
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++index[d] < batch[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return Tensor.wrapExact(out, a.dtype(), outShape);
    }

    /**
     * One operand as the kernel sees it: an array whose matrices are row-major (or row-major transposed),
     * and the offset of each batch entry.
     */
    private static final class Operand {
        final double[] data;
        /** {@code data} as floats, or null (see {@link #weightFloats}). */
        final float[] floats;
        final int base;
        final boolean transposed;
        final int[] batchStrides;

        private Operand(double[] data, float[] floats, int base, boolean transposed, int[] batchStrides) {
            this.data = data;
            this.floats = floats;
            this.base = base;
            this.transposed = transposed;
            this.batchStrides = batchStrides;
        }

        static Operand of(Tensor t, int[] batch, boolean useFloats) {
            int rank = t.dim();
            int[] shape = t.shape();
            int[] strides = t.strides();
            int rows = shape[rank - 2];
            int cols = shape[rank - 1];
            boolean rowMajor = (strides[rank - 1] == 1 || cols == 1) && (strides[rank - 2] == cols || rows == 1);
            boolean colMajor = !rowMajor && (strides[rank - 2] == 1 || rows == 1) && (strides[rank - 1] == rows || cols == 1);
            Tensor source = t;
            if (!rowMajor && !colMajor) {
                source = Tensor.wrapExact(t.toDoubleArray(), t.dtype(), shape);
                strides = source.strides();
                rowMajor = true;
            }
            int lead = batch.length - (rank - 2);
            int[] batchStrides = new int[batch.length];
            for (int d = 0; d < rank - 2; d++) {
                batchStrides[lead + d] = shape[d] == 1 ? 0 : strides[d];
            }
            double[] data = source.storageArray();
            float[] floats = useFloats ? Kernels.floatCopy(t, data) : null;
            return new Operand(data, floats, source.storageOffset(), !rowMajor, batchStrides);
        }

        int offset(int[] index) {
            int o = base;
            for (int d = 0; d < index.length; d++) {
                o += index[d] * batchStrides[d];
            }
            return o;
        }
    }
}
