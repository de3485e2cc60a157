package org.tapegrad.nn.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.ops.Kernels;
import org.tapegrad.nn.PyFormat;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum, weight decay and maximisation,
 * exactly as PyTorch's {@code torch.optim.SGD}.
 *
 * <h2>Update rule</h2>
 * For each parameter p whose gradient ∇ is not null (parameters with a null gradient are skipped
 * entirely: no weight decay, no change to their momentum buffer), with learning rate γ, momentum μ,
 * dampening τ and weight decay λ:
 * <pre>
 *   g ← maximize ? −∇ : ∇
 *   if λ ≠ 0:  g ← g + λ·p                      (coupled L2, after the negation)
 *   if μ ≠ 0:
 *       b ← g                   on this parameter's first step (a copy: no dampening, no μ)
 *       b ← μ·b + (1 − τ)·g     on later steps
 *       g ← nesterov ? g + μ·b : b
 *   p ← p − γ·g
 * </pre>
 * So plain momentum moves the first step by γ·g₁, and Nesterov by γ·(1+μ)·g₁. The learning rate
 * multiplies the velocity (PyTorch's form, not Sutskever et al.'s).
 *
 * <h2>Arithmetic</h2>
 * The update runs under no-grad and writes the parameter in place ({@link Tensor#copyFrom}). Each
 * {@code a + α·b} is a fused multiply-add in the parameter's type, as PyTorch's vectorised CPU kernel
 * computes it, and the scalar factors μ, 1 − τ, λ and −γ are first rounded to that type; so float32
 * parameters stay float32 and follow PyTorch's float32 arithmetic. A large parameter's elements are
 * updated in parallel ({@code Parallelism}); each element's arithmetic is the same, so the steps do not
 * depend on the number of threads.
 */
public final class SGD extends Optimizer {
    /** Elements a thread should get at least before a parameter's update is split across threads. */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 14;

    /**
     * The hyperparameters of {@link SGD}, validated in the constructor with PyTorch's messages. This
     * class is immutable.
     *
     * @param lr the learning rate γ ≥ 0 (PyTorch default 1e-3)
     * @param momentum μ ≥ 0 (default 0)
     * @param dampening τ, applied to the gradient in the momentum update after the first step (default 0)
     * @param weightDecay λ ≥ 0, the coupled L2 coefficient (default 0)
     * @param nesterov Nesterov momentum; needs μ &gt; 0 and τ = 0 (default false)
     * @param maximize ascend instead of descend (default false)
     */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
            boolean maximize) {
        /** PyTorch's default learning rate. */
        public static final double DEFAULT_LR = 1e-3;

        public Options {
            if (!(lr >= 0.0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("Invalid learning rate: " + PyFormat.repr(lr));
            }
            if (!(momentum >= 0.0) || Double.isInfinite(momentum)) {
                throw new IllegalArgumentException("Invalid momentum value: " + PyFormat.repr(momentum));
            }
            if (!Double.isFinite(dampening)) {
                throw new IllegalArgumentException("Invalid dampening value: " + PyFormat.repr(dampening));
            }
            if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("Invalid weight_decay value: " + PyFormat.repr(weightDecay));
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
            }
        }

        /** Plain SGD with learning rate {@code lr} and everything else at PyTorch's defaults. */
        public static Options lr(double lr) {
            return new Options(lr, 0, 0, 0, false, false);
        }

        /** A builder starting from PyTorch's defaults. */
        public static Builder builder() {
            return new Builder();
        }
    }

    /** Collects SGD hyperparameters, starting from PyTorch's defaults; {@link #build()} validates them. */
    public static final class Builder {
        private double lr = Options.DEFAULT_LR;
        private double momentum;
        private double dampening;
        private double weightDecay;
        private boolean nesterov;
        private boolean maximize;

        private Builder() {
        }

        public Builder lr(double value) {
            this.lr = value;
            return this;
        }

        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        public Builder dampening(double value) {
            this.dampening = value;
            return this;
        }

        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        public Builder nesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        public Builder maximize(boolean value) {
            this.maximize = value;
            return this;
        }

        public Options build() {
            return new Options(lr, momentum, dampening, weightDecay, nesterov, maximize);
        }
    }

    private final Options options;
    /** The momentum buffer b of each parameter that has taken a step with μ ≠ 0 (PyTorch's state[p]['momentum_buffer']). */
    private final Map<Tensor, double[]> momentumBuffers = new IdentityHashMap<>();

    /** {@code SGD(params, lr)}. */
    public SGD(List<Tensor> params, double lr) {
        this(params, Options.lr(lr));
    }

    /** {@code SGD(params, lr, momentum)}. */
    public SGD(List<Tensor> params, double lr, double momentum) {
        this(params, new Options(lr, momentum, 0, 0, false, false));
    }

    /** {@code SGD(params, lr, momentum, dampening, weight_decay, nesterov, maximize=maximize)}. */
    public SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
            boolean maximize) {
        this(params, new Options(lr, momentum, dampening, weightDecay, nesterov, maximize));
    }

    /** SGD over {@code params} with the given hyperparameters. */
    public SGD(List<Tensor> params, Options options) {
        super(params);
        if (options == null) {
            throw new NullPointerException("SGD: options is null");
        }
        this.options = options;
    }

    /** The hyperparameters. */
    public Options options() {
        return options;
    }

    /** The momentum buffer of {@code param} (a copy), or null before its first step or when μ = 0. */
    public Tensor momentumBuffer(Tensor param) {
        double[] buffer = momentumBuffers.get(param);
        return buffer == null ? null : Tensor.wrapExact(buffer.clone(), param.dtype(), param.shape());
    }

    /** One update of every parameter whose gradient is not null; see the class documentation. */
    @Override
    public void step() {
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            for (Tensor p : params()) {
                if (p.grad() != null) {
                    update(p);
                }
            }
        }
    }

    /**
     * One pass over the parameter: each element's g, momentum buffer entry and new value in turn. The
     * buffer is updated in place; the new values go into one fresh array, copied into the parameter
     * ({@link Tensor#copyFrom}, which records the in-place change for autograd).
     */
    private void update(Tensor p) {
        DType type = p.dtype();
        double momentum = type.round(options.momentum());
        double oneMinusDampening = type.round(1 - options.dampening());
        double weightDecay = type.round(options.weightDecay());
        double minusLr = type.round(-options.lr());
        boolean maximize = options.maximize();
        boolean decay = options.weightDecay() != 0;
        boolean nesterov = options.nesterov();
        // read-only; a gradient held as floats (a float32 linear layer's weight) is read as it is, so
        // that no double copy of it is made every step
        float[] gradFloats = Kernels.isWholeFloats(p.grad()) ? p.grad().storageFloats() : null;
        double[] grad = gradFloats == null ? Kernels.rowMajor(p.grad()) : null;
        double[] param = Kernels.rowMajor(p); // read-only
        int n = p.numel();
        double[] buf = options.momentum() != 0 ? momentumBuffers.get(p) : null;
        boolean firstStep = options.momentum() != 0 && buf == null;
        if (firstStep) {
            buf = new double[n];
            momentumBuffers.put(p, buf);
        }
        double[] momentumBuffer = buf;
        double[] next = new double[n];
        // elements are independent: a large parameter (the CNN's classifier, 62,720 weights) is split across threads
        Parallelism.parallelFor(0, n, PARALLEL_MIN_ELEMENTS, (from, to) -> {
            for (int i = from; i < to; i++) {
                double gi = gradFloats != null ? gradFloats[i] : grad[i];
                double g = maximize ? -gi : gi;
                if (decay) {
                    g = fma(param[i], weightDecay, g, type);
                }
                if (momentumBuffer != null) {
                    momentumBuffer[i] = firstStep ? g
                            : fma(g, oneMinusDampening, type.round(momentum * momentumBuffer[i]), type);
                    g = nesterov ? fma(momentumBuffer[i], momentum, g, type) : momentumBuffer[i];
                }
                next[i] = fma(g, minusLr, param[i], type);
            }
        });
        p.copyFrom(Tensor.wrapExact(next, type, p.shape())); // fma(…, type) left values of the type
    }

    /** {@code c + a·b} rounded once, in the arithmetic of {@code type}. */
    private static double fma(double a, double b, double c, DType type) {
        return type == DType.FLOAT32 ? Math.fma((float) a, (float) b, (float) c) : Math.fma(a, b, c);
    }
}
