package org.tapegrad.autograd;

import java.util.function.Function;

/**
 * Checks analytic gradients against central finite differences, like {@code torch.autograd.gradcheck}.
 *
 * <p>The function's output {@code y} is reduced with fixed random weights, {@code L = Σ wᵢ·yᵢ}
 * (a plain sum would hide bugs: its gradient through softmax or batch norm is identically zero). Then
 * for every element {@code x_j} of every input that requires grad:
 * <pre>
 *   numeric_j  = (L(x + ε e_j) − L(x − ε e_j)) / 2ε
 *   analytic_j = (∂L/∂x)_j   from one backward pass with upstream gradient w
 *   pass iff |analytic_j − numeric_j| ≤ atol + rtol · |numeric_j|
 * </pre>
 * with {@link #EPS} = 1e-6, {@link #ATOL} = 1e-5, {@link #RTOL} = 1e-3, PyTorch's defaults. Inputs must
 * be float64: float32 keeps about 7 significant digits, fewer than the 1e-6 step needs.
 */
public final class Gradcheck {
    /** Finite-difference step. */
    public static final double EPS = 1e-6;
    /** Absolute tolerance. */
    public static final double ATOL = 1e-5;
    /** Relative tolerance. */
    public static final double RTOL = 1e-3;

    private static final long WEIGHT_SEED = 20240229L;

    private Gradcheck() {
    }

    /** Thrown when an analytic gradient differs from the numeric one. */
    public static final class GradcheckException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GradcheckException(String message) {
            super(message);
        }
    }

    /**
     * Checks every element of every input that requires grad.
     *
     * @param f      the function under test; called many times, must be deterministic
     * @param inputs float64 tensors; those that require grad are checked. Their values are perturbed and
     *               restored; their {@code grad} is left as it was.
     * @throws GradcheckException       naming the input, the index, the analytic and the numeric value
     * @throws IllegalArgumentException for float32 inputs, inputs with overlapping memory (expanded
     *                                  views: check the view inside {@code f} instead), or no input that
     *                                  requires grad
     */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, EPS, ATOL, RTOL, inputs);
    }

    /** {@link #check(Function, Tensor...)} with explicit step and tolerances. */
    public static void check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        validate(inputs);
        Tensor[] savedGrads = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            savedGrads[i] = inputs[i].grad();
            inputs[i].zeroGrad();
        }
        try {
            Tensor y = f.apply(inputs);
            Tensor w = Tensor.rand(new Generator(WEIGHT_SEED), DType.FLOAT64, y.shape()).mul(2).sub(1);
            if (y.requiresGrad()) {
                y.backward(w.to(y.dtype()));
            }
            for (int i = 0; i < inputs.length; i++) {
                Tensor x = inputs[i];
                if (!x.requiresGrad()) {
                    continue;
                }
                double[] analytic = x.grad() == null ? new double[x.numel()] : x.grad().toDoubleArray();
                checkInput(f, inputs, w, i, analytic, eps, atol, rtol);
            }
        } finally {
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].setGrad(savedGrads[i]);
            }
        }
    }

    private static void checkInput(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor w, int which,
            double[] analytic, double eps, double atol, double rtol) {
        Tensor x = inputs[which];
        double[] data = x.storageArray();
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] index = new int[shape.length];
        for (int flat = 0; flat < analytic.length; flat++) {
            int offset = x.storageOffset();
            for (int d = 0; d < shape.length; d++) {
                offset += index[d] * strides[d];
            }
            double original = data[offset];
            double plus = weightedSumAt(f, inputs, w, x, offset, original + eps);
            double minus = weightedSumAt(f, inputs, w, x, offset, original - eps);
            set(x, offset, original);
            double numeric = (plus - minus) / (2 * eps);
            if (!(Math.abs(analytic[flat] - numeric) <= atol + rtol * Math.abs(numeric))) {
                throw new GradcheckException("gradcheck: Jacobian mismatch for input " + which + " (shape "
                        + Shapes.format(shape) + ") at index " + java.util.Arrays.toString(index) + ": analytic "
                        + analytic[flat] + ", numeric " + numeric + " (atol " + atol + ", rtol " + rtol + ")");
            }
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    /** {@link #weightedSum} with element {@code offset} of {@code x}'s storage set to {@code value}. */
    private static double weightedSumAt(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor w, Tensor x, int offset,
            double value) {
        set(x, offset, value);
        return weightedSum(f, inputs, w);
    }

    /** Writes one storage element in place, as an in-place operation would (the version changes). */
    private static void set(Tensor x, int offset, double value) {
        x.storageArray()[offset] = value;
        x.storage().bumpVersion();
    }

    private static double weightedSum(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor w) {
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            double[] y = f.apply(inputs).toDoubleArray();
            double[] wd = w.toDoubleArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += wd[i] * y[i];
            }
            return s;
        }
    }

    private static void validate(Tensor[] inputs) {
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (x.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("gradcheck: input " + i + " (shape " + Shapes.format(x.shape())
                        + ") is " + x.dtype() + "; finite differences with eps " + EPS + " need float64 (float32 "
                        + "keeps only about 7 significant digits). Convert it with to(DType.FLOAT64).");
            }
            int[] shape = x.shape();
            int[] strides = x.strides();
            for (int d = 0; d < shape.length; d++) {
                if (strides[d] == 0 && shape[d] > 1) {
                    throw new IllegalArgumentException("gradcheck: input " + i + " (shape " + Shapes.format(shape)
                            + ") has overlapping memory (stride 0 in dimension " + d + "); pass the unexpanded "
                            + "tensor and expand it inside the function");
                }
            }
            any |= x.requiresGrad();
        }
        if (!any) {
            throw new IllegalArgumentException("gradcheck: no input requires grad, so there is nothing to check");
        }
    }
}
