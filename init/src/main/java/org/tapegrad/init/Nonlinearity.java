package org.tapegrad.init;

/**
 * The nonlinearities {@code torch.nn.init.calculate_gain} knows, with the gain of each: the factor by which
 * to scale a weight's standard deviation so that the activation after the nonlinearity keeps unit variance.
 *
 * <table>
 * <caption>Gains (PyTorch 2.11)</caption>
 * <tr><th>name</th><th>gain</th></tr>
 * <tr><td>linear, conv1d, conv2d, conv3d, conv_transpose1d/2d/3d</td><td>1</td></tr>
 * <tr><td>sigmoid</td><td>1</td></tr>
 * <tr><td>tanh</td><td>5/3</td></tr>
 * <tr><td>relu</td><td>√2 (ReLU halves the second moment: E[relu(x)²] = Var(x)/2)</td></tr>
 * <tr><td>leaky_relu</td><td>√(2 / (1 + slope²)), slope = param, 0.01 when param is null</td></tr>
 * <tr><td>selu</td><td>3/4 (found empirically; self-normalising networks should use linear instead)</td></tr>
 * </table>
 *
 * <p>Names match exactly and case-sensitively, as in PyTorch. The parameter is read by {@link #LEAKY_RELU}
 * only. Every expression is evaluated in double in PyTorch's order: for slope √5 the square is
 * 5.000000000000001, not 5, and the gain is 0.5773502691896257, one ulp below 1/√3.
 */
public enum Nonlinearity {
    LINEAR("linear"),
    CONV1D("conv1d"),
    CONV2D("conv2d"),
    CONV3D("conv3d"),
    CONV_TRANSPOSE1D("conv_transpose1d"),
    CONV_TRANSPOSE2D("conv_transpose2d"),
    CONV_TRANSPOSE3D("conv_transpose3d"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    RELU("relu"),
    LEAKY_RELU("leaky_relu"),
    SELU("selu");

    /** The slope {@code calculate_gain('leaky_relu')} assumes when no parameter is given. */
    public static final double DEFAULT_NEGATIVE_SLOPE = 0.01;

    private final String pytorchName;

    Nonlinearity(String pytorchName) {
        this.pytorchName = pytorchName;
    }

    /**
     * The nonlinearity PyTorch calls {@code name}.
     *
     * @throws IllegalArgumentException {@code "Unsupported nonlinearity foo"}, PyTorch's message
     */
    public static Nonlinearity of(String name) {
        for (Nonlinearity n : values()) {
            if (n.pytorchName.equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("Unsupported nonlinearity " + name);
    }

    /**
     * The recommended gain.
     *
     * @param param the negative slope of {@link #LEAKY_RELU} (null: 0.01); ignored by every other name. Like
     *              PyTorch, any double is accepted, NaN and negatives included.
     */
    public double gain(Double param) {
        switch (this) {
            case TANH:
                return 5.0 / 3;
            case RELU:
                return Math.sqrt(2.0);
            case LEAKY_RELU:
                double slope = param == null ? DEFAULT_NEGATIVE_SLOPE : param;
                return Math.sqrt(2.0 / (1 + slope * slope));
            case SELU:
                return 3.0 / 4;
            default:
                return 1.0;
        }
    }

    /** PyTorch's spelling, e.g. {@code leaky_relu}. */
    public String pytorchName() {
        return pytorchName;
    }
}
