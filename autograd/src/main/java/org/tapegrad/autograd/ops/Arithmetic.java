package org.tapegrad.autograd.ops;

import java.util.Arrays;
import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.ShapeException;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * The four arithmetic operations with NumPy broadcasting, and their in-place forms.
 *
 * <p>Shapes: {@code a} and {@code b} broadcast to {@code out} (see {@link Shapes#broadcast}). Both
 * operands must have the same dtype. Gradients, before being reduced back to each operand's shape by
 * {@link Broadcasting#reduceTo}:
 * <pre>
 *   out = a + b:  da = g,       db = g
 *   out = a − b:  da = g,       db = −g
 *   out = a · b:  da = g · b,   db = g · a
 *   out = a / b:  da = g / b,   db = −g · a / b²
 * </pre>
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    /**
     * One elementwise binary function, as a loop over one row of strided operands. Each constant owns
     * its loop, so there is one virtual call per row and the loop body is a single known operation.
     */
    public enum Kernel {
        ADD {
            @Override
            void row(double[] a, int ai, int as, double[] b, int bi, int bs, double[] o, int oi, int os, int n) {
                for (int i = 0; i < n; i++) {
                    o[oi + i * os] = a[ai + i * as] + b[bi + i * bs];
                }
            }
        },
        SUB {
            @Override
            void row(double[] a, int ai, int as, double[] b, int bi, int bs, double[] o, int oi, int os, int n) {
                for (int i = 0; i < n; i++) {
                    o[oi + i * os] = a[ai + i * as] - b[bi + i * bs];
                }
            }
        },
        MUL {
            @Override
            void row(double[] a, int ai, int as, double[] b, int bi, int bs, double[] o, int oi, int os, int n) {
                for (int i = 0; i < n; i++) {
                    o[oi + i * os] = a[ai + i * as] * b[bi + i * bs];
                }
            }
        },
        DIV {
            @Override
            void row(double[] a, int ai, int as, double[] b, int bi, int bs, double[] o, int oi, int os, int n) {
                for (int i = 0; i < n; i++) {
                    o[oi + i * os] = a[ai + i * as] / b[bi + i * bs];
                }
            }
        },
        /** Ignores {@code a} and yields {@code b}: used by copy and fill. */
        SECOND {
            @Override
            void row(double[] a, int ai, int as, double[] b, int bi, int bs, double[] o, int oi, int os, int n) {
                if (os == 1 && bs == 1) {
                    System.arraycopy(b, bi, o, oi, n); // a parameter's update, a contiguous copy
                } else if (os == 1 && bs == 0) {
                    Arrays.fill(o, oi, oi + n, b[bi]);
                } else {
                    for (int i = 0; i < n; i++) {
                        o[oi + i * os] = b[bi + i * bs];
                    }
                }
            }
        };

        abstract void row(double[] a, int ai, int as, double[] b, int bi, int bs, double[] o, int oi, int os, int n);
    }

    /** {@code a + b} with broadcasting. */
    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = compute("add", Kernel.ADD, a, b);
        if (Autograd.needsGrad(a, b)) {
            Autograd.record(out, new Node("add", a, b) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {
                        needsInputGrad(0) ? Broadcasting.reduceTo(g, a.shape()) : null,
                        needsInputGrad(1) ? Broadcasting.reduceTo(g, b.shape()) : null};
                }
            });
        }
        return out;
    }

    /** {@code a − b} with broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = compute("sub", Kernel.SUB, a, b);
        if (Autograd.needsGrad(a, b)) {
            Autograd.record(out, new Node("sub", a, b) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {
                        needsInputGrad(0) ? Broadcasting.reduceTo(g, a.shape()) : null,
                        needsInputGrad(1) ? Broadcasting.reduceTo(g.neg(), b.shape()) : null};
                }
            });
        }
        return out;
    }

    /** {@code a · b} elementwise with broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = compute("mul", Kernel.MUL, a, b);
        if (Autograd.needsGrad(a, b)) {
            Autograd.record(out, new Node("mul", a, b) {
                final SavedTensor savedA = needsInputGrad(1) ? save(a) : null;
                final SavedTensor savedB = needsInputGrad(0) ? save(b) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {
                        savedB != null ? Broadcasting.reduceTo(g.mul(savedB.get()), a.shape()) : null,
                        savedA != null ? Broadcasting.reduceTo(g.mul(savedA.get()), b.shape()) : null};
                }
            });
        }
        return out;
    }

    /** {@code a / b} elementwise with broadcasting. */
    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = compute("div", Kernel.DIV, a, b);
        if (Autograd.needsGrad(a, b)) {
            Autograd.record(out, new Node("div", a, b) {
                final SavedTensor savedB = save(b);
                final SavedTensor savedOut = needsInputGrad(1) ? save(out) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor gOverB = g.div(savedB.get());
                    return new Tensor[] {
                        needsInputGrad(0) ? Broadcasting.reduceTo(gOverB, a.shape()) : null,
                        savedOut != null ? Broadcasting.reduceTo(gOverB.mul(savedOut.get()).neg(), b.shape()) : null};
                }
            });
        }
        return out;
    }

    /**
     * Computes {@code kernel(a, b)} into a new contiguous tensor of the broadcast shape.
     *
     * @throws ShapeException           if the shapes do not broadcast
     * @throws IllegalArgumentException if the dtypes differ
     */
    public static Tensor compute(String op, Kernel kernel, Tensor a, Tensor b) {
        checkSameType(op, a, b);
        int[] shape = Shapes.broadcast(op, a.shape(), b.shape());
        int n = Shapes.numel(op, shape);
        double[] out = new double[n];
        double[] da = a.storageArray();
        double[] db = b.storageArray();
        if (a.isContiguous() && b.isContiguous() && a.numel() == n && b.numel() == n) {
            kernel.row(da, a.storageOffset(), 1, db, b.storageOffset(), 1, out, 0, 1, n);
        } else if (a.isContiguous() && a.numel() == n && b.numel() == 1) {
            kernel.row(da, a.storageOffset(), 1, db, b.storageOffset(), 0, out, 0, 1, n);
        } else {
            int[] sa = Broadcasting.stridesFor(a, shape);
            int[] sb = Broadcasting.stridesFor(b, shape);
            int[] so = Shapes.contiguousStrides(shape);
            StridedLoop.rows(shape, new int[] {a.storageOffset(), b.storageOffset(), 0}, new int[][] {sa, sb, so},
                    (offs, st, len) -> kernel.row(da, offs[0], st[0], db, offs[1], st[1], out, offs[2], st[2], len));
        }
        return Tensor.wrap(out, a.dtype(), shape);
    }

    /**
     * {@code target = kernel(target, source)} in place, with {@code source} broadcast to the target's shape.
     * The result is rounded to the target's dtype, except by {@link Kernel#SECOND} (copy and fill), which
     * copies values already of that type (the source's type is checked to be the target's). Nothing is
     * recorded on the tape.
     *
     * @param target modified
     * @param source not modified
     */
    public static void applyInPlace(String op, Kernel kernel, Tensor target, Tensor source) {
        checkSameType(op, target, source);
        int[] shape = target.shape();
        if (!Shapes.isBroadcastableTo(source.shape(), shape)) {
            throw new ShapeException(op + ": the source of shape " + Shapes.format(source.shape())
                    + " cannot be broadcast to the target shape " + Shapes.format(shape));
        }
        double[] dt = target.storageArray();
        double[] ds = source.storageArray();
        if (source.sharesStorageWith(target)) {
            ds = source.toDoubleArray();
            source = Tensor.wrap(ds, source.dtype(), source.shape());
        }
        final double[] src = ds;
        int[] st = target.strides();
        int[] ss = Broadcasting.stridesFor(source, shape);
        // a copy of values of the target's type (checked above) needs no rounding
        boolean round = target.dtype() == DType.FLOAT32 && kernel != Kernel.SECOND;
        StridedLoop.rows(shape, new int[] {target.storageOffset(), source.storageOffset()}, new int[][] {st, ss},
                (offs, strides, len) -> {
                    kernel.row(dt, offs[0], strides[0], src, offs[1], strides[1], dt, offs[0], strides[0], len);
                    if (round) {
                        for (int i = 0; i < len; i++) {
                            int k = offs[0] + i * strides[0];
                            dt[k] = (float) dt[k];
                        }
                    }
                });
    }

    static void checkSameType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": expected both tensors to have the same dtype, but got "
                    + a.dtype() + " " + Arrays.toString(a.shape()) + " and " + b.dtype() + " "
                    + Arrays.toString(b.shape()) + "; convert one with to(dtype)");
        }
    }
}
