package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.SavedTensor;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Exp;
import org.tapegrad.autograd.kernel.Parallelism;

/**
 * Elementwise functions {@code y = f(x)} and their derivatives. Each {@link Function} constant holds
 * its forward loop and its backward loop {@code dx = g · f'(x)} side by side; both are fused single
 * passes over contiguous arrays, split into ranges across {@link Parallelism} for large tensors.
 * Exponentials are {@link Exp#exp}, which the JIT inlines into the loop (Math.exp is a call it waits on).
 */
public final class Pointwise {
    /** Elements a thread should get at least before a pass is split across {@link Parallelism}. */
    static final int PARALLEL_MIN_VALUES = 1 << 15;

    private Pointwise() {
    }

    /**
     * A differentiable elementwise function. {@code p} is the function's constant parameter (the
     * exponent of POW, the slope of LEAKY_RELU), ignored by the others.
     */
    public enum Function {
        /** y = −x; dx = −g. */
        NEG("neg", false, false, true) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = -x[i];
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = -g[i];
                }
            }
        },
        /** y = eˣ; dx = g · y. */
        EXP("exp", false, true) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Exp.exp(x[i]);
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = g[i] * y[i];
                }
            }
        },
        /** y = ln x; dx = g / x. */
        LOG("log", true, false) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.log(x[i]);
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = g[i] / x[i];
                }
            }
        },
        /** y = √x; dx = g / (2y). */
        SQRT("sqrt", false, true) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.sqrt(x[i]);
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = g[i] / (2 * y[i]);
                }
            }
        },
        /** y = |x|; dx = g · sign(x), with sign(0) = 0. */
        ABS("abs", true, false, true) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.abs(x[i]);
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = g[i] * Math.signum(x[i]);
                }
            }
        },
        /**
         * y = max(x, 0); dx = g where y &gt; 0, else 0 (also at x = 0, as PyTorch). A NaN input gives NaN,
         * as in PyTorch, and a NaN gradient (PyTorch passes g on there). Both loops are branch-free: with
         * the signs of the inputs random, as they are after a BatchNorm, a branch would be mispredicted
         * half the time (6 ns per element instead of 1).
         */
        RELU("relu", false, true, true) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.max(x[i], 0.0);
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = passWherePositive(y[i], g[i]);
                }
            }

            @Override
            boolean hasFloatLoops() {
                return true;
            }

            @Override
            void forward(float[] x, float[] y, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.max(x[i], 0.0f);
                }
            }

            @Override
            void backward(float[] y, float[] g, float[] dx, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = passWherePositive(y[i], g[i]);
                }
            }
        },
        /** y = x for x &gt; 0, p·x otherwise; dx = g for x &gt; 0, p·g otherwise. */
        LEAKY_RELU("leakyRelu", true, false) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = x[i] > 0 ? x[i] : x[i] * p;
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = x[i] > 0 ? g[i] : g[i] * p;
                }
            }
        },
        /** y = tanh x; dx = g · (1 − y²). */
        TANH("tanh", false, true) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.tanh(x[i]);
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = g[i] * (1 - y[i] * y[i]);
                }
            }
        },
        /** y = 1 / (1 + e⁻ˣ); dx = g · y · (1 − y). */
        SIGMOID("sigmoid", false, true) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = 1.0 / (1.0 + Exp.exp(-x[i]));
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = g[i] * y[i] * (1 - y[i]);
                }
            }
        },
        /** y = xᵖ; dx = g · p · xᵖ⁻¹ (0 when p = 0). */
        POW("pow", true, false) {
            @Override
            void forward(double[] x, double[] y, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.pow(x[i], p);
                }
            }

            @Override
            void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to) {
                for (int i = from; i < to; i++) {
                    dx[i] = p == 0 ? 0.0 : g[i] * p * Math.pow(x[i], p - 1);
                }
            }
        };

        private final String opName;
        private final boolean backwardUsesInput;
        private final boolean backwardUsesOutput;
        private final boolean exact;

        Function(String opName, boolean backwardUsesInput, boolean backwardUsesOutput) {
            this(opName, backwardUsesInput, backwardUsesOutput, false);
        }

        /**
         * @param exact whether y and dx are always values of the inputs' type (a selection or a sign
         *              change), so that float32 results need no rounding pass
         */
        Function(String opName, boolean backwardUsesInput, boolean backwardUsesOutput, boolean exact) {
            this.opName = opName;
            this.backwardUsesInput = backwardUsesInput;
            this.backwardUsesOutput = backwardUsesOutput;
            this.exact = exact;
        }

        /** The name recorded on the tape. */
        public String opName() {
            return opName;
        }

        /** y[i] = f(x[i]) for from ≤ i &lt; to; x not modified, y modified. */
        abstract void forward(double[] x, double[] y, double p, int from, int to);

        /**
         * dx[i] = g[i] · f'(x[i]) (using y = f(x) where cheaper) for from ≤ i &lt; to; dx modified, the rest
         * not. Only the arrays the function declared it uses are passed; the others are null.
         */
        abstract void backward(double[] x, double[] y, double[] g, double[] dx, double p, int from, int to);

        /**
         * Whether f has loops over floats ({@link #forward(float[], float[], int, int)} and
         * {@link #backward(float[], float[], float[], int, int)}) for float32 tensors held as floats: exact
         * functions without a parameter whose backward uses y only, so that they give the double loops'
         * values bit for bit with half the bytes to stream.
         */
        boolean hasFloatLoops() {
            return false;
        }

        /** y[i] = f(x[i]) in floats, for from ≤ i &lt; to; x not modified, y modified. */
        void forward(float[] x, float[] y, int from, int to) {
            throw new UnsupportedOperationException(opName + " has no float loops");
        }

        /** dx[i] = g[i] · f'(x[i]) from y = f(x), in floats, for from ≤ i &lt; to; dx modified, the rest not. */
        void backward(float[] y, float[] g, float[] dx, int from, int to) {
            throw new UnsupportedOperationException(opName + " has no float loops");
        }
    }

    public static Tensor neg(Tensor x) {
        return apply(Function.NEG, x, 0);
    }

    public static Tensor exp(Tensor x) {
        return apply(Function.EXP, x, 0);
    }

    public static Tensor log(Tensor x) {
        return apply(Function.LOG, x, 0);
    }

    public static Tensor sqrt(Tensor x) {
        return apply(Function.SQRT, x, 0);
    }

    public static Tensor abs(Tensor x) {
        return apply(Function.ABS, x, 0);
    }

    public static Tensor relu(Tensor x) {
        return apply(Function.RELU, x, 0);
    }

    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return apply(Function.LEAKY_RELU, x, negativeSlope);
    }

    public static Tensor tanh(Tensor x) {
        return apply(Function.TANH, x, 0);
    }

    public static Tensor sigmoid(Tensor x) {
        return apply(Function.SIGMOID, x, 0);
    }

    public static Tensor pow(Tensor x, double exponent) {
        return apply(Function.POW, x, exponent);
    }

    /**
     * Applies {@code f} elementwise and records its backward.
     *
     * <p>Shapes: input any, output the same shape, contiguous.
     */
    public static Tensor apply(Function f, Tensor x, double parameter) {
        if (f.hasFloatLoops() && Kernels.isWholeFloats(x)) {
            return applyToFloats(f, x);
        }
        double[] in = Kernels.rowMajor(x);
        double[] outData = new double[in.length];
        Parallelism.parallelFor(0, in.length, PARALLEL_MIN_VALUES,
                (from, to) -> f.forward(in, outData, parameter, from, to));
        Tensor out = wrap(f, outData, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node(f.opName(), x) {
                final SavedTensor savedX = f.backwardUsesInput ? save(x) : null;
                final SavedTensor savedY = f.backwardUsesOutput ? save(out) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] xs = savedX == null ? null : Kernels.rowMajor(savedX.get());
                    double[] ys = savedY == null ? null : savedY.get().storageArray();
                    double[] gs = Kernels.rowMajor(g);
                    double[] dx = elementwiseGradientBuffer(g); // may be gs: each loop reads g[i] before dx[i]
                    Parallelism.parallelFor(0, dx.length, PARALLEL_MIN_VALUES,
                            (from, to) -> f.backward(xs, ys, gs, dx, parameter, from, to));
                    return new Tensor[] {wrap(f, dx, x)};
                }
            });
        }
        return out;
    }

    /**
     * {@link #apply} for a float32 x held as floats, with f's float loops: the output is held as floats,
     * and so is the input gradient when the output gradient is (else the double loops run).
     */
    private static Tensor applyToFloats(Function f, Tensor x) {
        float[] in = x.storageFloats();
        float[] outData = new float[in.length];
        Parallelism.parallelFor(0, in.length, PARALLEL_MIN_VALUES, (from, to) -> f.forward(in, outData, from, to));
        Tensor out = Tensor.wrapFloats(outData, x.shape());
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node(f.opName(), x) {
                final SavedTensor savedY = save(out);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor y = savedY.get();
                    if (!Kernels.isWholeFloats(g)) {
                        double[] ys = y.storageArray();
                        double[] gs = Kernels.rowMajor(g);
                        double[] dx = elementwiseGradientBuffer(g); // may be gs: each loop reads g[i] before dx[i]
                        Parallelism.parallelFor(0, dx.length, PARALLEL_MIN_VALUES,
                                (from, to) -> f.backward(null, ys, gs, dx, 0, from, to));
                        return new Tensor[] {Tensor.wrapExact(dx, x.dtype(), x.shape())};
                    }
                    float[] ys = y.storageFloats();
                    float[] gs = g.storageFloats();
                    float[] dx = elementwiseFloatGradientBuffer(g); // may be gs, as above
                    Parallelism.parallelFor(0, dx.length, PARALLEL_MIN_VALUES,
                            (from, to) -> f.backward(ys, gs, dx, from, to));
                    return new Tensor[] {Tensor.wrapFloats(dx, x.shape())};
                }
            });
        }
        return out;
    }

    /** {@code values} as a tensor of x's shape and type, rounded unless f is exact. */
    private static Tensor wrap(Function f, double[] values, Tensor x) {
        return f.exact ? Tensor.wrapExact(values, x.dtype(), x.shape()) : Tensor.wrap(values, x.dtype(), x.shape());
    }

    /**
     * {@code y > 0 ? g : 0} for {@code y ≥ 0} without a branch, bit for bit (also for g = ±∞ and −0; NaN
     * where y is NaN). {@code open} is 1 where y &gt; 0 (the smallest positive double times 2^1074 is 1,
     * larger ones saturate) and 0 where y = 0; g is then clamped to [−∞, ∞] (unchanged) or to [0, 0].
     */
    static double passWherePositive(double y, double g) {
        double open = Math.min(y * 0x1p537 * 0x1p537, 1.0);
        double bound = open * Double.MAX_VALUE * 2.0; // +∞ or +0
        return Math.max(Math.min(g, bound), 0.0 - bound);
    }

    /** {@link #passWherePositive(double, double)} in floats (the smallest positive float times 2^149 is 1). */
    static float passWherePositive(float y, float g) {
        float open = Math.min(y * 0x1p75f * 0x1p74f, 1.0f);
        float bound = open * Float.MAX_VALUE * 2.0f; // +∞ or +0
        return Math.max(Math.min(g, bound), 0.0f - bound);
    }
}
