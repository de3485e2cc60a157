package org.tapegrad.init;

import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/**
 * Caffe's {@code "xavier"} and {@code "msra"} weight fillers ({@code include/caffe/filler.hpp}), with their
 * {@code variance_norm} (SPEC §7).
 *
 * <h2>Layout and fans</h2>
 * A Caffe Convolution weight is {@code (num_output, channels/group, kH, kW)} and an InnerProduct weight
 * {@code (N_out, K_in)}: tapegrad's (and PyTorch's) layout, so a tapegrad weight can be filled directly. The
 * fans come from the blob's element count (see {@link Fans#caffe(int...)}):
 * {@code fan_in = count/shape[0]}, {@code fan_out = count/shape[1]} (or count for a 1-D blob), which for 2-D
 * and larger shapes equal PyTorch's. Two layouts swap the fans: Deconvolution {@code (channels,
 * num_output/group, kH, kW)} and InnerProduct with {@code transpose: true} {@code (K_in, N_out)}.
 *
 * <h2>The variance norm</h2>
 * <pre>
 *   n = fan_in                     FAN_IN  (Caffe's default)
 *   n = fan_out                    FAN_OUT
 *   n = (fan_in + fan_out) / 2     AVERAGE (integer sum, divided in floating point: halves survive)
 * </pre>
 *
 * <h2>The two fillers</h2>
 * <table>
 * <caption>Caffe's fillers and their PyTorch equivalents</caption>
 * <tr><th>filler</th><th>draw</th><th>variance</th><th>PyTorch equivalent</th></tr>
 * <tr><td>xavier, FAN_IN</td><td rowspan="3">U[−√(3/n), √(3/n)]</td><td rowspan="3">1/n</td>
 *     <td>{@code kaiming_uniform_(w, nonlinearity='linear')}: LeCun uniform</td></tr>
 * <tr><td>xavier, FAN_OUT</td><td>{@code kaiming_uniform_(w, mode='fan_out', nonlinearity='linear')}</td></tr>
 * <tr><td>xavier, AVERAGE</td><td>{@code xavier_uniform_(w, gain=1)}: true Glorot uniform</td></tr>
 * <tr><td>msra, FAN_IN</td><td rowspan="3">N(0, 2/n), untruncated</td><td rowspan="3">2/n</td>
 *     <td>{@code kaiming_normal_(w, mode='fan_in', nonlinearity='relu')}</td></tr>
 * <tr><td>msra, FAN_OUT</td><td>{@code kaiming_normal_(w, mode='fan_out', nonlinearity='relu')}</td></tr>
 * <tr><td>msra, AVERAGE</td><td>none directly: {@code normal_(w, 0, √(4/(fan_in+fan_out)))}</td></tr>
 * </table>
 *
 * <p><b>Why Caffe's "xavier" is LeCun, not Glorot, by default.</b> Glorot and Bengio's variance
 * 2/(fan_in + fan_out) averages the forward condition Var = 1/fan_in and the backward one 1/fan_out. Caffe
 * implements the formula as Var = 1/n and lets {@code variance_norm} pick n; its default FAN_IN keeps only
 * the forward condition, which is LeCun's 1/fan_in (Keras' {@code lecun_uniform}), and only
 * {@code variance_norm: AVERAGE} gives n = (fan_in+fan_out)/2, i.e. Glorot's 2/(fan_in+fan_out). Likewise
 * "msra" is He et al.'s 2/n, with n = fan_in by default.
 *
 * <p>Differences kept small on purpose: the scale is computed in double (Caffe uses the net's Dtype, float
 * for float nets) and rounded to the tensor's dtype when written; Caffe's uniform is closed at the top,
 * [−s, s], tapegrad's is [−s, s) (the upper end has probability 2⁻⁵³ in Caffe); and the draws come from
 * tapegrad's {@link Generator}, not boost's mt19937. Neither filler supports Caffe's {@code sparse} option.
 *
 * <p>This class is immutable.
 *
 * @param type         xavier (uniform) or msra (Gaussian)
 * @param varianceNorm which fan n is
 */
public record CaffeFiller(Type type, VarianceNorm varianceNorm) {

    /** Caffe's filler {@code type} strings this record implements. */
    public enum Type {
        /** {@code "xavier"}: always uniform, U[−√(3/n), √(3/n)], variance 1/n. */
        XAVIER,
        /** {@code "msra"}: always Gaussian, N(0, 2/n). */
        MSRA
    }

    /** Caffe's {@code FillerParameter.VarianceNorm}. */
    public enum VarianceNorm {
        /** n = fan_in, Caffe's default. */
        FAN_IN,
        /** n = fan_out. */
        FAN_OUT,
        /** n = (fan_in + fan_out) / 2. */
        AVERAGE;

        /** The n this norm takes from the fans. */
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
    }

    /**
     * @throws IllegalArgumentException if a field is null
     */
    public CaffeFiller {
        if (type == null) {
            throw new IllegalArgumentException("CaffeFiller: type must not be null (XAVIER or MSRA)");
        }
        if (varianceNorm == null) {
            throw new IllegalArgumentException("CaffeFiller: varianceNorm must not be null (FAN_IN, FAN_OUT or AVERAGE)");
        }
    }

    /** {@code type: "xavier"} with Caffe's default variance norm FAN_IN (LeCun uniform). */
    public static CaffeFiller xavier() {
        return xavier(VarianceNorm.FAN_IN);
    }

    /** {@code type: "xavier"} with the given variance norm. */
    public static CaffeFiller xavier(VarianceNorm varianceNorm) {
        return new CaffeFiller(Type.XAVIER, varianceNorm);
    }

    /** {@code type: "msra"} with Caffe's default variance norm FAN_IN. */
    public static CaffeFiller msra() {
        return msra(VarianceNorm.FAN_IN);
    }

    /** {@code type: "msra"} with the given variance norm. */
    public static CaffeFiller msra(VarianceNorm varianceNorm) {
        return new CaffeFiller(Type.MSRA, varianceNorm);
    }

    /**
     * The n of a blob shape: its {@linkplain Fans#caffe Caffe fans} through the variance norm.
     *
     * @throws IllegalArgumentException for a shape with no axes or no elements (Caffe CHECK-fails)
     */
    public double n(int... shape) {
        return varianceNorm.n(Fans.caffe(shape));
    }

    /** The variance of the values: 1/n for xavier, 2/n for msra. */
    public double variance(int... shape) {
        return (type == Type.XAVIER ? 1.0 : 2.0) / n(shape);
    }

    /** The standard deviation of the values: √(1/n) for xavier, msra's {@code std = √(2/n)}. */
    public double std(int... shape) {
        return Math.sqrt(variance(shape));
    }

    /**
     * xavier's {@code scale = √(3/n)}, the half-width of its uniform interval.
     *
     * @throws IllegalStateException for msra, which is Gaussian
     */
    public double bound(int... shape) {
        if (type != Type.XAVIER) {
            throw new IllegalStateException("CaffeFiller: msra fills from a Gaussian and has no bound; use std()");
        }
        return Math.sqrt(3.0 / n(shape));
    }

    /**
     * Fills {@code tensor} (read as a Caffe blob in tapegrad's layout) in place under no-grad; returns it.
     *
     * @throws IllegalArgumentException for a 0-D or empty tensor
     */
    public Tensor fill(Tensor tensor, Generator generator) {
        int[] shape = tensor.shape();
        double[] values = type == Type.XAVIER
                ? Fill.uniform(tensor.numel(), -bound(shape), bound(shape), tensor.dtype(), generator)
                : Fill.normal(tensor.numel(), 0.0, std(shape), tensor.dtype(), generator);
        return Fill.write(tensor, values);
    }

    /** {@link #fill(Tensor, Generator)} with the default generator. */
    public Tensor fill(Tensor tensor) {
        return fill(tensor, Generator.defaultGenerator());
    }
}
