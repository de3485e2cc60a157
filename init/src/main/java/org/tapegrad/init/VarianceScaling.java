package org.tapegrad.init;

import java.util.Locale;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Keras' {@code VarianceScaling(scale, mode, distribution)} initialiser (Keras 3, SPEC §8.2) and its named
 * presets (LeCun, Glorot, He), for tapegrad weights.
 *
 * <h2>Formula</h2>
 * <pre>
 *   n = fan_in | fan_out | (fan_in + fan_out)/2        by mode
 *   s = scale / max(1, n)                              the target variance (note the max(1, ·) guard)
 *
 *   truncated_normal:   stddev = √s / 0.87962566103423978, drawn from N(0, stddev²) cut at ±2·stddev
 *   untruncated_normal: stddev = √s, drawn from N(0, stddev²)
 *   uniform:            limit = √(3s), drawn from U(−limit, limit)
 * </pre>
 * All three give values of standard deviation √s ({@link #resultingStd}). The constant 0.8796… is the
 * standard deviation of a standard normal truncated to [−2, 2],
 * {@code √(1 − 4φ(2)/(2Φ(2) − 1))}: dividing by it undoes the narrowing that the cut causes. (Keras ≤ 2.1.6
 * did not divide, so its truncated initialisers were about 12% too narrow; PyTorch's {@code trunc_normal_}
 * never corrects.) The truncated draw is rejection sampling with inclusive bounds, as Keras' NumPy backend.
 *
 * <h2>Layout</h2>
 * This class takes <b>tapegrad/PyTorch layouts</b>: Linear {@code (out, in)}, Conv {@code (out, in/groups,
 * k…)}, not Keras' {@code (in, out)} and {@code (k…, in, out)}. Keras' fan definitions map onto them
 * exactly: for the same layer, Keras' {@code compute_fans} on the Keras kernel equals PyTorch's fans on the
 * tapegrad weight (see {@link Fans}), so {@link #fans} uses {@link Fans#of(int...)} for 2 or more
 * dimensions and keeps Keras' rules below that (rank 0: fans 1 and 1; rank 1, e.g. a bias of n: n and n).
 * For a Keras-layout shape use {@link Fans#keras(int...)}.
 *
 * <h2>Presets and their PyTorch counterparts</h2>
 * <table>
 * <caption>Named initialisers</caption>
 * <tr><th>preset</th><th>scale, mode, distribution</th><th>PyTorch</th></tr>
 * <tr><td>{@link #lecunUniform()}</td><td>1, fan_in, uniform: U(±√(3/fan_in))</td>
 *     <td>{@code kaiming_uniform_(w, nonlinearity='linear')}; Caffe xavier FAN_IN</td></tr>
 * <tr><td>{@link #lecunNormal()}</td><td>1, fan_in, truncated</td>
 *     <td>{@code trunc_normal_(w, 0, σ, −2σ, 2σ)}, σ = √(1/fan_in)/0.8796…; untruncated analogue
 *     {@code kaiming_normal_(w, nonlinearity='linear')}</td></tr>
 * <tr><td>{@link #glorotUniform()}</td><td>1, fan_avg, uniform: U(±√(6/(fan_in+fan_out)))</td>
 *     <td>{@code xavier_uniform_(w)}, the same bound; Keras' default kernel initialiser</td></tr>
 * <tr><td>{@link #glorotNormal()}</td><td>1, fan_avg, truncated</td>
 *     <td>none: {@code xavier_normal_} is untruncated</td></tr>
 * <tr><td>{@link #heUniform()}</td><td>2, fan_in, uniform: U(±√(6/fan_in))</td>
 *     <td>{@code kaiming_uniform_(w, nonlinearity='relu')}, or the defaults with a = 0</td></tr>
 * <tr><td>{@link #heNormal()}</td><td>2, fan_in, truncated</td>
 *     <td>{@code trunc_normal_(w, 0, σ, −2σ, 2σ)}, σ = √(2/fan_in)/0.8796…; {@code kaiming_normal_} matches only
 *     the untruncated variant</td></tr>
 * <tr><td>{@link #pytorchLayerDefault()}</td><td>1/3, fan_in, uniform: U(±1/√fan_in)</td>
 *     <td>{@code kaiming_uniform_(w, a=√5)}, Linear's and Conv's default</td></tr>
 * </table>
 * More generally {@code (s, fan_in|fan_out, untruncated_normal)} is {@code kaiming_normal_} with gain² = s, and
 * {@code (s, fan_avg, uniform)} is {@code xavier_uniform_(w, gain=√s)}.
 *
 * <p>This class is immutable.
 *
 * @param scale        the variance multiplier, &gt; 0 and finite
 * @param mode         which fan divides it
 * @param distribution how values are drawn
 */
public record VarianceScaling(double scale, Mode mode, Distribution distribution) {

    /**
     * The standard deviation of a standard normal truncated to [−2, 2], {@code √(1 − 4φ(2)/(2Φ(2) − 1))},
     * with the digits Keras writes.
     */
    public static final double TRUNCATED_STD_OF_UNIT_NORMAL = 0.87962566103423978;

    /** Where the truncated normal is cut, in standard deviations. */
    static final double TRUNCATION = 2.0;

    /** Keras' {@code mode}. */
    public enum Mode {
        /** n = fan_in. */
        FAN_IN("fan_in"),
        /** n = fan_out. */
        FAN_OUT("fan_out"),
        /** n = (fan_in + fan_out) / 2. */
        FAN_AVG("fan_avg");

        private final String kerasName;

        Mode(String kerasName) {
            this.kerasName = kerasName;
        }

        /**
         * Parses Keras 3's mode string, which must match exactly (Keras 3 does not lower-case it).
         *
         * @throws IllegalArgumentException for any other string
         */
        public static Mode of(String name) {
            for (Mode m : values()) {
                if (m.kerasName.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("VarianceScaling: mode must be one of fan_in, fan_out, fan_avg, got "
                    + name);
        }

        /** The n this mode takes from the fans. */
        public double n(Fans fans) {
            switch (this) {
                case FAN_IN:
                    return fans.fanIn();
                case FAN_OUT:
                    return fans.fanOut();
                default:
                    return ((long) fans.fanIn() + fans.fanOut()) / 2.0;
            }
        }

        /** Keras' spelling. */
        public String kerasName() {
            return kerasName;
        }
    }

    /** Keras' {@code distribution}. */
    public enum Distribution {
        /** N(0, stddev²) cut at ±2·stddev, stddev = √s/0.8796…; Keras' default. */
        TRUNCATED_NORMAL("truncated_normal"),
        /** N(0, s). */
        UNTRUNCATED_NORMAL("untruncated_normal"),
        /** U(−√(3s), √(3s)). */
        UNIFORM("uniform");

        private final String kerasName;

        Distribution(String kerasName) {
            this.kerasName = kerasName;
        }

        /**
         * Parses Keras' distribution string: lower-cased first, and {@code "normal"} is an alias of
         * {@code "truncated_normal"}.
         *
         * @throws IllegalArgumentException for any other string
         */
        public static Distribution of(String name) {
            String lower = name == null ? "null" : name.toLowerCase(Locale.ROOT);
            if (lower.equals("normal")) {
                return TRUNCATED_NORMAL;
            }
            for (Distribution d : values()) {
                if (d.kerasName.equals(lower)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("VarianceScaling: distribution must be one of uniform, "
                    + "truncated_normal, untruncated_normal (or normal), got " + name);
        }

        /** Keras' spelling. */
        public String kerasName() {
            return kerasName;
        }
    }

    /**
     * @throws IllegalArgumentException if scale is not a positive finite number, or mode or distribution is null
     */
    public VarianceScaling {
        if (!(scale > 0.0) || scale == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("VarianceScaling: scale must be a positive finite number, got "
                    + scale);
        }
        if (mode == null) {
            throw new IllegalArgumentException("VarianceScaling: mode must not be null (FAN_IN, FAN_OUT or FAN_AVG)");
        }
        if (distribution == null) {
            throw new IllegalArgumentException("VarianceScaling: distribution must not be null "
                    + "(TRUNCATED_NORMAL, UNTRUNCATED_NORMAL or UNIFORM)");
        }
    }

    /** Keras' defaults: scale 1, fan_in, truncated normal (which is also {@link #lecunNormal()}). */
    public VarianceScaling() {
        this(1.0, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL);
    }

    /** {@code lecun_normal}: scale 1, fan_in, truncated normal. */
    public static VarianceScaling lecunNormal() {
        return new VarianceScaling(1.0, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL);
    }

    /** {@code lecun_uniform}: scale 1, fan_in, uniform, U(±√(3/fan_in)). */
    public static VarianceScaling lecunUniform() {
        return new VarianceScaling(1.0, Mode.FAN_IN, Distribution.UNIFORM);
    }

    /** {@code glorot_normal}: scale 1, fan_avg, truncated normal. */
    public static VarianceScaling glorotNormal() {
        return new VarianceScaling(1.0, Mode.FAN_AVG, Distribution.TRUNCATED_NORMAL);
    }

    /** {@code glorot_uniform}: scale 1, fan_avg, uniform, U(±√(6/(fan_in+fan_out))). */
    public static VarianceScaling glorotUniform() {
        return new VarianceScaling(1.0, Mode.FAN_AVG, Distribution.UNIFORM);
    }

    /** {@code he_normal}: scale 2, fan_in, truncated normal. */
    public static VarianceScaling heNormal() {
        return new VarianceScaling(2.0, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL);
    }

    /** {@code he_uniform}: scale 2, fan_in, uniform, U(±√(6/fan_in)). */
    public static VarianceScaling heUniform() {
        return new VarianceScaling(2.0, Mode.FAN_IN, Distribution.UNIFORM);
    }

    /** PyTorch's Linear/Conv default, {@code kaiming_uniform_(w, a=√5)}, as a variance scaling: 1/3, fan_in, uniform. */
    public static VarianceScaling pytorchLayerDefault() {
        return new VarianceScaling(1.0 / 3.0, Mode.FAN_IN, Distribution.UNIFORM);
    }

    /**
     * The fans of a tapegrad/PyTorch-layout shape, with Keras' rules for fewer than 2 dimensions (see the
     * class comment).
     */
    public static Fans fans(int... shape) {
        if (shape.length >= 2) {
            return Fans.of("VarianceScaling", shape);
        }
        Shapes.numel("VarianceScaling", shape);
        return shape.length == 0 ? new Fans(1, 1) : new Fans(shape[0], shape[0]);
    }

    /** {@code s = scale / max(1, n)}, the variance of the values drawn. */
    public double scaledVariance(int... shape) {
        return scale / Math.max(1.0, mode.n(fans(shape)));
    }

    /** {@code √s}: the standard deviation of the values drawn, whichever the distribution. */
    public double resultingStd(int... shape) {
        return Math.sqrt(scaledVariance(shape));
    }

    /**
     * Keras' {@code stddev} for the normal distributions: {@code √s / 0.87962566103423978} (truncated) or
     * {@code √s} (untruncated).
     *
     * @throws IllegalStateException for {@link Distribution#UNIFORM}, which has a {@link #limit} instead
     */
    public double stddev(int... shape) {
        double s = scaledVariance(shape);
        switch (distribution) {
            case TRUNCATED_NORMAL:
                return Math.sqrt(s) / TRUNCATED_STD_OF_UNIT_NORMAL;
            case UNTRUNCATED_NORMAL:
                return Math.sqrt(s);
            default:
                throw new IllegalStateException("VarianceScaling: the uniform distribution has a limit, not a stddev");
        }
    }

    /**
     * Keras' {@code limit = √(3s)} for the uniform distribution.
     *
     * @throws IllegalStateException for the normal distributions, which have a {@link #stddev} instead
     */
    public double limit(int... shape) {
        if (distribution != Distribution.UNIFORM) {
            throw new IllegalStateException("VarianceScaling: the " + distribution.kerasName()
                    + " distribution has a stddev, not a limit");
        }
        return Math.sqrt(3.0 * scaledVariance(shape));
    }

    /** Fills {@code tensor} (tapegrad layout) in place under no-grad; returns it. */
    public Tensor fill(Tensor tensor, Generator generator) {
        int[] shape = tensor.shape();
        int n = tensor.numel();
        DType dtype = tensor.dtype();
        double[] values;
        switch (distribution) {
            case UNIFORM:
                double limit = limit(shape);
                values = Fill.uniform(n, -limit, limit, dtype, generator);
                break;
            case UNTRUNCATED_NORMAL:
                values = Fill.normal(n, 0.0, stddev(shape), dtype, generator);
                break;
            default:
                values = truncatedNormal(n, stddev(shape), dtype, generator);
                break;
        }
        return Fill.write(tensor, values);
    }

    /** {@link #fill(Tensor, Generator)} with the default generator. */
    public Tensor fill(Tensor tensor) {
        return fill(tensor, Generator.defaultGenerator());
    }

    /** N(0, stddev²) cut at ±2·stddev by rejection: redraw z ~ N(0, 1) until |z| ≤ 2 (about 4.6% redrawn). */
    private static double[] truncatedNormal(int n, double stddev, DType dtype, Generator generator) {
        double s = dtype.round(stddev);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double z;
            do {
                z = generator.nextGaussian();
            } while (Math.abs(z) > TRUNCATION);
            out[i] = dtype.round(z * s);
        }
        return out;
    }
}
