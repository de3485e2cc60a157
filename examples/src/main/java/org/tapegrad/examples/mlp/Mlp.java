package org.tapegrad.examples.mlp;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.examples.depth.Activation;

/**
 * The fifth seed article's network, forward only: {@code layers} × Linear(n, n, no bias), each followed by
 * the activation, applied to a batch {@code x ~ N(0, 1)^(batch × n)}:
 * <pre>
 *   for each layer:  w = empty(n, n); init(w);  x = act(x @ wᵀ);  record x.std()
 * </pre>
 * (a Linear layer computes {@code x·Wᵀ}, its weight stored (out, in)). No gradients are recorded. Once the
 * std is NaN it stays NaN (Infinity − Infinity), so the run stops there and records NaN for the rest.
 */
public final class Mlp {
    private Mlp() {
    }

    /** A tanh output counts as saturated when |x| exceeds this: tanh'(x) = 1 − x² is then below 2%. */
    public static final double SATURATED = 0.99;

    /**
     * One run, layer by layer (index 0 is the output of layer 1).
     *
     * @param firstNanLayer the first layer (1-based) whose std is NaN, or -1
     * @param firstZeroLayer the first layer whose outputs are all exactly 0, or -1
     * @param saturatedFraction the fraction of the last layer's outputs with |x| &gt; {@value #SATURATED}
     * @param symmetric whether every sample's units are identical after the last layer: the initialiser never
     *     broke the symmetry between units, so the network has in effect one unit per layer
     */
    public record Result(String label, Activation activation, double[] std, double[] mean, int firstNanLayer,
            int firstZeroLayer, double saturatedFraction, boolean symmetric) {
        public double finalStd() {
            return std[std.length - 1];
        }

        /**
         * In order of precedence: "exploded (NaN at layer k)", "dead from layer 1" / "vanished (exactly 0 from
         * layer k)", "saturated" (tanh, over half of the outputs beyond ±{@value #SATURATED}), "exploding" (std
         * above 1e6), "vanished" (below 1e-6), "alive but symmetric (all units equal)", "alive".
         */
        public String verdict() {
            double last = finalStd();
            if (firstNanLayer > 0) {
                return "exploded (NaN at layer " + firstNanLayer + ")";
            }
            if (firstZeroLayer == 1) {
                return "dead from layer 1 (all 0)";
            }
            if (firstZeroLayer > 0) {
                return "vanished (exactly 0 from layer " + firstZeroLayer + ")";
            }
            if (activation == Activation.TANH && saturatedFraction > 0.5) {
                return String.format(java.util.Locale.ROOT, "saturated (%.0f%% at ±1)", 100 * saturatedFraction);
            }
            if (last > 1e6) {
                return "exploding";
            }
            if (last < 1e-6) {
                return "vanished";
            }
            return symmetric ? "alive but symmetric (all units equal)" : "alive";
        }
    }

    /** Runs the network with weights from {@code init}. */
    public static Result run(String label, LayerInit.Filler init, Activation activation, int layers, int units,
            int batch, DType dtype, Generator generator) {
        double[] std = new double[layers];
        double[] mean = new double[layers];
        int firstNan = -1;
        int firstZero = -1;
        Tensor x = Tensor.randn(generator, dtype, batch, units);
        for (int layer = 1; layer <= layers; layer++) {
            if (firstNan > 0) {
                std[layer - 1] = Double.NaN;
                mean[layer - 1] = Double.NaN;
                continue;
            }
            Tensor w = Tensor.empty(dtype, units, units);
            init.fill(w, generator);
            x = activation.apply(x.matmul(w.t()));
            std[layer - 1] = x.std().item();
            mean[layer - 1] = x.mean().item();
            if (Double.isNaN(std[layer - 1])) {
                firstNan = layer;
            } else if (firstZero < 0 && std[layer - 1] == 0 && mean[layer - 1] == 0) {
                firstZero = layer;
            }
        }
        boolean symmetric = firstNan < 0 && x.std(new int[] {1}, 0, false).max().item() == 0;
        double saturated = firstNan < 0 ? fractionAbove(x, SATURATED) : Double.NaN;
        return new Result(label, activation, std, mean, firstNan, firstZero, saturated, symmetric);
    }

    private static double fractionAbove(Tensor x, double threshold) {
        double[] values = x.toDoubleArray();
        int count = 0;
        for (double v : values) {
            if (Math.abs(v) > threshold) {
                count++;
            }
        }
        return count / (double) values.length;
    }
}
