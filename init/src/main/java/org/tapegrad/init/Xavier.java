package org.tapegrad.init;

import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/**
 * Xavier (Glorot) initialisation, {@code torch.nn.init.xavier_uniform_} and {@code xavier_normal_}: a
 * compromise between preserving the forward variance (1/fan_in) and the backward variance (1/fan_out).
 *
 * <pre>
 *   std   = gain · √(2 / (fan_in + fan_out))        normal:  N(0, std²), not truncated
 *   bound = √3 · std  (= gain·√(6/(fan_in+fan_out))) uniform: U(−bound, bound)
 * </pre>
 *
 * Computed in double in this order (SPEC §1.9), rounded to the tensor's dtype only when written. Keras'
 * {@code glorot_uniform} draws from the same interval; Keras' {@code glorot_normal} is truncated at ±2σ and
 * so has no PyTorch counterpart here (see {@link VarianceScaling}).
 */
public final class Xavier {
    private Xavier() {
    }

    /**
     * {@code std = gain · √(2 / (fan_in + fan_out))}.
     *
     * @throws IllegalArgumentException if fan_in + fan_out is 0 (PyTorch raises ZeroDivisionError)
     */
    public static double std(Fans fans, double gain) {
        return std("xavier", fans, gain, "fans " + fans);
    }

    /** {@code bound = √3 · std}; see {@link #std}. */
    public static double bound(Fans fans, double gain) {
        return Math.sqrt(3.0) * std(fans, gain);
    }

    /** Fills {@code tensor} from U(−bound, bound); returns it. */
    static Tensor uniform_(Tensor tensor, double gain, Generator generator) {
        String op = "xavierUniform_";
        double bound = Math.sqrt(3.0) * std(op, tensor, gain);
        return Fill.write(tensor, Fill.uniform(tensor.numel(), -bound, bound, tensor.dtype(), generator));
    }

    /** Fills {@code tensor} from N(0, std²); returns it. */
    static Tensor normal_(Tensor tensor, double gain, Generator generator) {
        String op = "xavierNormal_";
        double std = std(op, tensor, gain);
        return Fill.write(tensor, Fill.normal(tensor.numel(), 0.0, std, tensor.dtype(), generator));
    }

    private static double std(String op, Tensor tensor, double gain) {
        return std(op, Fans.of(op, tensor.shape()), gain, "shape " + Shapes.format(tensor.shape()));
    }

    private static double std(String op, Fans fans, double gain, String what) {
        long sum = (long) fans.fanIn() + fans.fanOut();
        if (sum == 0) {
            throw new IllegalArgumentException(op + ": fan_in + fan_out is 0 for " + what
                    + ", so the standard deviation gain*sqrt(2/(fan_in+fan_out)) is undefined");
        }
        return gain * Math.sqrt(2.0 / sum);
    }
}
