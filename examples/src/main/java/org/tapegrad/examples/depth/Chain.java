package org.tapegrad.examples.depth;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/**
 * The article's experiment for one configuration:
 * <pre>
 *   x = randn(n)
 *   for layer in 1..L:  a = init(n, n);  x = act(a @ x);  record x.mean(), x.std()
 * </pre>
 * No autograd is involved: the tensors do not require grad. Once the std is NaN (an Infinity appeared,
 * and Inf − Inf is NaN) every later layer is NaN too, so the run stops drawing weights there and
 * records NaN for the remaining layers.
 */
public final class Chain {
    private Chain() {
    }

    /**
     * What one chain did, layer by layer (index 0 is layer 1, the output of the first matrix product).
     *
     * @param firstNanLayer the first layer (1-based) whose std is NaN, or -1 if none; the article's loop
     *     index {@code i} is this minus one
     * @param firstZeroLayer the first layer whose activations are all exactly 0 (std 0 and mean 0), or -1
     */
    public record Result(ChainConfig config, double[] mean, double[] std, int firstNanLayer, int firstZeroLayer) {
        /** The mean after the last layer. */
        public double finalMean() {
            return mean[mean.length - 1];
        }

        /** The std after the last layer. */
        public double finalStd() {
            return std[std.length - 1];
        }
    }

    /** Runs {@code layers} layers of width {@code units} in {@code dtype}, drawing from {@code generator}. */
    public static Result run(ChainConfig config, int layers, int units, DType dtype, Generator generator) {
        double[] mean = new double[layers];
        double[] std = new double[layers];
        int firstNan = -1;
        int firstZero = -1;
        Tensor x = Tensor.randn(generator, dtype, units);
        for (int layer = 1; layer <= layers; layer++) {
            if (firstNan > 0) {
                mean[layer - 1] = Double.NaN;
                std[layer - 1] = Double.NaN;
                continue;
            }
            Tensor a = config.sampler().sample(generator, dtype, units);
            x = config.activation().apply(a.matmul(x));
            mean[layer - 1] = x.mean().item();
            std[layer - 1] = x.std().item();
            if (Double.isNaN(std[layer - 1])) {
                firstNan = layer;
            } else if (firstZero < 0 && std[layer - 1] == 0 && mean[layer - 1] == 0) {
                firstZero = layer;
            }
        }
        return new Result(config, mean, std, firstNan, firstZero);
    }
}
