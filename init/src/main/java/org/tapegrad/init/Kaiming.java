package org.tapegrad.init;

import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/**
 * Kaiming (He) initialisation, {@code torch.nn.init.kaiming_uniform_} and {@code kaiming_normal_}: keeps the
 * variance of the activations (mode fan_in) or of the back-propagated gradients (mode fan_out) constant
 * through a layer followed by the given nonlinearity.
 *
 * <pre>
 *   fan   = fan_in or fan_out of the weight (see {@link Fans}), by mode
 *   gain  = calculate_gain(nonlinearity, a)          (a: the negative slope, read by leaky_relu only)
 *   std   = gain / √fan                              normal:  N(0, std²), not truncated
 *   bound = √3 · std  (= gain·√(3/fan))              uniform: U(−bound, bound)
 * </pre>
 *
 * Both are computed in double in exactly this order (SPEC §1.9) and rounded to the tensor's dtype only when
 * written. Note the defaults {@code a = 0}, {@code 'leaky_relu'}: the slope 0 is passed on, so the gain is √2,
 * ReLU's, not the √(2/1.0001) that {@code calculate_gain('leaky_relu')} gives without a parameter.
 *
 * <p>The default Linear/Conv initialisation is {@code kaiming_uniform_(w, a = √5)}: gain = √(2/(1+5)) = √(1/3),
 * so bound = √3·√(1/3)/√fan_in = 1/√fan_in, a variance of 1/(3·fan_in), neither He nor Glorot. In double,
 * √5·√5 = 5.000000000000001, so this bound differs from {@code 1/Math.sqrt(fanIn)} in the last bit for most
 * fans (never after rounding to float32).
 *
 * <p>A tensor with a 0 in its shape is left unchanged with a warning, before the fans are computed (as in
 * PyTorch, so an empty 1-D tensor does not raise).
 */
public final class Kaiming {
    private Kaiming() {
    }

    /**
     * {@code std = gain / √fan} with {@code gain = calculateGain(nonlinearity, a)}.
     *
     * @throws IllegalArgumentException for an unknown nonlinearity, or a selected fan of 0
     */
    public static double std(Fans fans, double a, FanMode mode, String nonlinearity) {
        return std("kaiming", fans, a, mode, nonlinearity);
    }

    /** {@code bound = √3 · std}, the half-width of {@link #uniform_}'s interval; see {@link #std}. */
    public static double bound(Fans fans, double a, FanMode mode, String nonlinearity) {
        return Math.sqrt(3.0) * std(fans, a, mode, nonlinearity);
    }

    /** Fills {@code tensor} from U(−bound, bound); returns it. */
    static Tensor uniform_(Tensor tensor, double a, FanMode mode, String nonlinearity, Generator generator) {
        String op = "kaimingUniform_";
        if (tensor.numel() == 0) {
            Fill.warnZeroElements(op, tensor);
            return tensor;
        }
        double bound = Math.sqrt(3.0) * std(op, Fans.of(op, tensor.shape()), a, mode, nonlinearity);
        return Fill.write(tensor, Fill.uniform(tensor.numel(), -bound, bound, tensor.dtype(), generator));
    }

    /** Fills {@code tensor} from N(0, std²); returns it. */
    static Tensor normal_(Tensor tensor, double a, FanMode mode, String nonlinearity, Generator generator) {
        String op = "kaimingNormal_";
        if (tensor.numel() == 0) {
            Fill.warnZeroElements(op, tensor);
            return tensor;
        }
        double std = std(op, Fans.of(op, tensor.shape()), a, mode, nonlinearity);
        return Fill.write(tensor, Fill.normal(tensor.numel(), 0.0, std, tensor.dtype(), generator));
    }

    private static double std(String op, Fans fans, double a, FanMode mode, String nonlinearity) {
        if (mode == null) {
            throw new IllegalArgumentException(op + ": mode must not be null (use FanMode.FAN_IN or FAN_OUT)");
        }
        int fan = mode.select(fans);
        double gain = Nonlinearity.of(nonlinearity).gain(a);
        if (fan == 0) {
            throw new IllegalArgumentException(op + ": " + mode.pytorchName() + " is 0 (fans " + fans
                    + "), so the standard deviation gain/sqrt(fan) is undefined");
        }
        return gain / Math.sqrt(fan);
    }
}
