package org.tapegrad.init;

import java.util.Arrays;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/**
 * {@code torch.nn.init}: every function fills its tensor <b>in place</b> under no-grad (nothing is recorded,
 * and a leaf that requires grad may be filled) and returns that same tensor. The tensor may be a view.
 *
 * <p>Functions that draw take a {@link Generator}; the overloads without one use
 * {@link Generator#defaultGenerator()}, which {@link Generator#manualSeed(long)} resets. Draws are
 * reproducible within tapegrad, not bit-identical to PyTorch's streams (SPEC Appendix A): test them
 * statistically, and test the formulas ({@link Kaiming#std}, {@link Xavier#bound}, …) exactly.
 *
 * <p>Every bound and standard deviation is computed in double in PyTorch's order (SPEC §1.9) and rounded to
 * the tensor's dtype only when the values are written; so are the fill parameters (a uniform's ends, a
 * normal's mean and std), as PyTorch's kernels do.
 *
 * <table>
 * <caption>The functions and where their formulas are documented</caption>
 * <tr><th>function</th><th>distribution</th><th>details</th></tr>
 * <tr><td>{@code uniform_(a, b)}</td><td>U[a, b), the upper end excluded</td><td>a ≤ b</td></tr>
 * <tr><td>{@code normal_(mean, std)}</td><td>N(mean, std²)</td><td>std ≥ 0</td></tr>
 * <tr><td>{@code truncNormal_(mean, std, a, b)}</td><td>N(mean, std²) cut to <b>absolute</b> [a, b]</td>
 *     <td>{@code TruncatedNormal}</td></tr>
 * <tr><td>{@code constant_, ones_, zeros_}</td><td>a constant</td><td></td></tr>
 * <tr><td>{@code eye_, dirac_}</td><td>identity patterns</td><td>{@code Identity}</td></tr>
 * <tr><td>{@code xavierUniform_, xavierNormal_}</td><td>std = gain·√(2/(fan_in+fan_out))</td>
 *     <td>{@link Xavier}</td></tr>
 * <tr><td>{@code kaimingUniform_, kaimingNormal_}</td><td>std = gain(nonlinearity, a)/√fan</td>
 *     <td>{@link Kaiming}</td></tr>
 * <tr><td>{@code orthogonal_}</td><td>gain × a Haar-random semi-orthogonal matrix</td><td>{@code Orthogonal}</td></tr>
 * <tr><td>{@code sparse_}</td><td>N(0, std²) with ⌈sparsity·rows⌉ zeros per column</td><td>{@code Sparse}</td></tr>
 * </table>
 *
 * <p>Fans are {@link Fans#of(int...)}; gains are {@link Nonlinearity}. Caffe's fillers are
 * {@link CaffeFiller}, Keras' variance-scaling family is {@link VarianceScaling}.
 */
public final class Init {
    private Init() {
    }

    // ------------------------------------------------------------------ fans and gains

    /**
     * (fan_in, fan_out) of a weight of at least 2 dimensions: {@code fan_in = size(1)·Π size(2..)},
     * {@code fan_out = size(0)·Π size(2..)}.
     *
     * @throws IllegalArgumentException for fewer than 2 dimensions, with PyTorch's message
     *         "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
     */
    public static Fans fans(Tensor tensor) {
        return Fans.of(tensor);
    }

    /**
     * {@code calculate_gain(nonlinearity, param)}: 1 for linear, the conv names and sigmoid, 5/3 for tanh, √2 for relu,
     * √(2/(1+slope²)) for leaky_relu (slope = param, 0.01 if null), 3/4 for selu. See {@link Nonlinearity}.
     *
     * @throws IllegalArgumentException "Unsupported nonlinearity foo" for an unknown name
     */
    public static double calculateGain(String nonlinearity, Double param) {
        return Nonlinearity.of(nonlinearity).gain(param);
    }

    /** {@code calculate_gain(nonlinearity)}, without a parameter. */
    public static double calculateGain(String nonlinearity) {
        return calculateGain(nonlinearity, null);
    }

    // ------------------------------------------------------------------ plain distributions

    /**
     * Fills from U[a, b).
     *
     * @throws IllegalArgumentException if a &gt; b, either end is NaN or outside the dtype's finite range, or
     *         b − a overflows the dtype
     */
    public static Tensor uniform_(Tensor tensor, double a, double b, Generator generator) {
        Fill.checkUniformRange("uniform_", tensor, a, b);
        return Fill.write(tensor, Fill.uniform(tensor.numel(), a, b, tensor.dtype(), generator));
    }

    /** {@link #uniform_(Tensor, double, double, Generator)} with the default generator. */
    public static Tensor uniform_(Tensor tensor, double a, double b) {
        return uniform_(tensor, a, b, Generator.defaultGenerator());
    }

    /** Fills from U[0, 1), PyTorch's default range, with the default generator. */
    public static Tensor uniform_(Tensor tensor) {
        return uniform_(tensor, 0.0, 1.0);
    }

    /**
     * Fills from N(mean, std²).
     *
     * @throws IllegalArgumentException if std &lt; 0 or NaN
     */
    public static Tensor normal_(Tensor tensor, double mean, double std, Generator generator) {
        Fill.checkStd("normal_", tensor, std);
        return Fill.write(tensor, Fill.normal(tensor.numel(), mean, std, tensor.dtype(), generator));
    }

    /** {@link #normal_(Tensor, double, double, Generator)} with the default generator. */
    public static Tensor normal_(Tensor tensor, double mean, double std) {
        return normal_(tensor, mean, std, Generator.defaultGenerator());
    }

    /** Fills from N(0, 1), PyTorch's defaults, with the default generator. */
    public static Tensor normal_(Tensor tensor) {
        return normal_(tensor, 0.0, 1.0);
    }

    /**
     * Fills from N(mean, std²) truncated to the <b>absolute</b> interval [a, b] by the inverse CDF (see
     * {@code TruncatedNormal}); values lie in [a, b] as rounded to the dtype.
     *
     * @throws IllegalArgumentException if mean or std is not finite, std ≤ 0, or a &gt; b (or NaN)
     */
    public static Tensor truncNormal_(Tensor tensor, double mean, double std, double a, double b,
            Generator generator) {
        return TruncatedNormal.fill(tensor, mean, std, a, b, generator);
    }

    /** {@link #truncNormal_(Tensor, double, double, double, double, Generator)} with the default generator. */
    public static Tensor truncNormal_(Tensor tensor, double mean, double std, double a, double b) {
        return truncNormal_(tensor, mean, std, a, b, Generator.defaultGenerator());
    }

    /** PyTorch's defaults: mean 0, std 1, cut at the absolute values a = −2, b = 2. */
    public static Tensor truncNormal_(Tensor tensor) {
        return truncNormal_(tensor, 0.0, 1.0, -2.0, 2.0);
    }

    // ------------------------------------------------------------------ constants and identities

    /** Fills with {@code value} (rounded to the dtype). */
    public static Tensor constant_(Tensor tensor, double value) {
        double[] values = new double[tensor.numel()];
        Arrays.fill(values, value);
        return Fill.write(tensor, values);
    }

    /** Fills with 0. */
    public static Tensor zeros_(Tensor tensor) {
        return constant_(tensor, 0.0);
    }

    /** Fills with 1. */
    public static Tensor ones_(Tensor tensor) {
        return constant_(tensor, 1.0);
    }

    /**
     * The identity pattern on a 2-D tensor (rectangular allowed); see {@code Identity}.
     *
     * @throws IllegalArgumentException if the tensor is not 2-D
     */
    public static Tensor eye_(Tensor tensor) {
        return Identity.eye_(tensor);
    }

    /**
     * The Dirac delta pattern on a conv weight {@code (C_out, C_in/groups, k…)}, per group; see
     * {@code Identity}.
     *
     * @throws IllegalArgumentException if the tensor is not 3-, 4- or 5-D, groups ≤ 0, or C_out is not
     *         divisible by groups
     */
    public static Tensor dirac_(Tensor tensor, int groups) {
        return Identity.dirac_(tensor, groups);
    }

    /** {@link #dirac_(Tensor, int)} with one group. */
    public static Tensor dirac_(Tensor tensor) {
        return dirac_(tensor, 1);
    }

    // ------------------------------------------------------------------ Xavier / Glorot

    /**
     * U(−bound, bound) with {@code bound = √3 · gain·√(2/(fan_in+fan_out))}; see {@link Xavier}.
     *
     * @throws IllegalArgumentException for fewer than 2 dimensions, or fan_in + fan_out = 0
     */
    public static Tensor xavierUniform_(Tensor tensor, double gain, Generator generator) {
        return Xavier.uniform_(tensor, gain, generator);
    }

    /** {@link #xavierUniform_(Tensor, double, Generator)} with the default generator. */
    public static Tensor xavierUniform_(Tensor tensor, double gain) {
        return xavierUniform_(tensor, gain, Generator.defaultGenerator());
    }

    /** {@link #xavierUniform_(Tensor, double, Generator)} with gain 1 and the default generator. */
    public static Tensor xavierUniform_(Tensor tensor) {
        return xavierUniform_(tensor, 1.0);
    }

    /**
     * N(0, std²), not truncated, with {@code std = gain·√(2/(fan_in+fan_out))}; see {@link Xavier}.
     *
     * @throws IllegalArgumentException for fewer than 2 dimensions, or fan_in + fan_out = 0
     */
    public static Tensor xavierNormal_(Tensor tensor, double gain, Generator generator) {
        return Xavier.normal_(tensor, gain, generator);
    }

    /** {@link #xavierNormal_(Tensor, double, Generator)} with the default generator. */
    public static Tensor xavierNormal_(Tensor tensor, double gain) {
        return xavierNormal_(tensor, gain, Generator.defaultGenerator());
    }

    /** {@link #xavierNormal_(Tensor, double, Generator)} with gain 1 and the default generator. */
    public static Tensor xavierNormal_(Tensor tensor) {
        return xavierNormal_(tensor, 1.0);
    }

    // ------------------------------------------------------------------ Kaiming / He

    /**
     * U(−bound, bound) with {@code bound = √3 · gain/√fan}, {@code gain = calculateGain(nonlinearity, a)};
     * see {@link Kaiming}. A tensor with a 0 in its shape is left unchanged (with a warning).
     *
     * @param a            negative slope for leaky_relu (ignored by other nonlinearities)
     * @param mode         which fan to use
     * @param nonlinearity a name {@link #calculateGain} knows
     * @throws IllegalArgumentException for fewer than 2 dimensions or an unknown nonlinearity
     */
    public static Tensor kaimingUniform_(Tensor tensor, double a, FanMode mode, String nonlinearity,
            Generator generator) {
        return Kaiming.uniform_(tensor, a, mode, nonlinearity, generator);
    }

    /** {@link #kaimingUniform_(Tensor, double, FanMode, String, Generator)} with the default generator. */
    public static Tensor kaimingUniform_(Tensor tensor, double a, FanMode mode, String nonlinearity) {
        return kaimingUniform_(tensor, a, mode, nonlinearity, Generator.defaultGenerator());
    }

    /** Mode fan_in, nonlinearity leaky_relu with slope {@code a}, the default generator. */
    public static Tensor kaimingUniform_(Tensor tensor, double a) {
        return kaimingUniform_(tensor, a, FanMode.FAN_IN, "leaky_relu");
    }

    /** PyTorch's defaults: a = 0, fan_in, leaky_relu, so gain √2 (ReLU's); the default generator. */
    public static Tensor kaimingUniform_(Tensor tensor) {
        return kaimingUniform_(tensor, 0.0);
    }

    /**
     * N(0, std²), not truncated, with {@code std = gain/√fan}, {@code gain = calculateGain(nonlinearity, a)};
     * see {@link Kaiming}. A tensor with a 0 in its shape is left unchanged (with a warning).
     *
     * @throws IllegalArgumentException for fewer than 2 dimensions or an unknown nonlinearity
     */
    public static Tensor kaimingNormal_(Tensor tensor, double a, FanMode mode, String nonlinearity,
            Generator generator) {
        return Kaiming.normal_(tensor, a, mode, nonlinearity, generator);
    }

    /** {@link #kaimingNormal_(Tensor, double, FanMode, String, Generator)} with the default generator. */
    public static Tensor kaimingNormal_(Tensor tensor, double a, FanMode mode, String nonlinearity) {
        return kaimingNormal_(tensor, a, mode, nonlinearity, Generator.defaultGenerator());
    }

    /** Mode fan_in, nonlinearity leaky_relu with slope {@code a}, the default generator. */
    public static Tensor kaimingNormal_(Tensor tensor, double a) {
        return kaimingNormal_(tensor, a, FanMode.FAN_IN, "leaky_relu");
    }

    /** PyTorch's defaults: a = 0, fan_in, leaky_relu, so gain √2 (ReLU's); the default generator. */
    public static Tensor kaimingNormal_(Tensor tensor) {
        return kaimingNormal_(tensor, 0.0);
    }

    // ------------------------------------------------------------------ orthogonal and sparse

    /**
     * gain × a random semi-orthogonal matrix, the tensor viewed as (size(0), numel/size(0)); see
     * {@code Orthogonal}. A tensor with no elements is left unchanged.
     *
     * @throws IllegalArgumentException for fewer than 2 dimensions
     */
    public static Tensor orthogonal_(Tensor tensor, double gain, Generator generator) {
        return Orthogonal.fill(tensor, gain, generator);
    }

    /** {@link #orthogonal_(Tensor, double, Generator)} with the default generator. */
    public static Tensor orthogonal_(Tensor tensor, double gain) {
        return orthogonal_(tensor, gain, Generator.defaultGenerator());
    }

    /** {@link #orthogonal_(Tensor, double, Generator)} with gain 1 and the default generator. */
    public static Tensor orthogonal_(Tensor tensor) {
        return orthogonal_(tensor, 1.0);
    }

    /**
     * N(0, std²) with ⌈sparsity·rows⌉ zeros in each column; see {@code Sparse} (which also explains how the
     * generator use differs from PyTorch's).
     *
     * @throws IllegalArgumentException if the tensor is not 2-D, sparsity is outside [0, 1], or std &lt; 0
     */
    public static Tensor sparse_(Tensor tensor, double sparsity, double std, Generator generator) {
        return Sparse.fill(tensor, sparsity, std, generator);
    }

    /** {@link #sparse_(Tensor, double, double, Generator)} with the default generator. */
    public static Tensor sparse_(Tensor tensor, double sparsity, double std) {
        return sparse_(tensor, sparsity, std, Generator.defaultGenerator());
    }

    /** PyTorch's default std 0.01, the default generator. */
    public static Tensor sparse_(Tensor tensor, double sparsity) {
        return sparse_(tensor, sparsity, 0.01);
    }
}
