package org.tapegrad.nn.inspect;

import java.util.List;

/**
 * Explains, in words, why a layer's parameter gradients are all exactly zero. A weight gradient is (for a
 * Linear layer) {@code ∇W = gᵀ·x}: the gradient g arriving at the layer's output times the layer's input x.
 * So it is zero when x is zero or when g is zero, and the explanation walks the stack to find where the
 * zeros come from:
 * <ul>
 *   <li>an all-zero input: back down the stack to the layer where the activations first became zero (its
 *       weights are zero, a ReLU after it outputs only zeros, or the values underflowed);</li>
 *   <li>an all-zero output gradient: up the stack to where the gradient stops (a nonlinearity with zero
 *       derivative everywhere, such as a ReLU whose inputs are all exactly 0; a layer above with zero weights;
 *       a layer above whose units have identical weights, which passes back the sum of their gradients, zero
 *       when the loss's gradient sums to zero over the classes; or underflow).</li>
 * </ul>
 * The walk takes the layers as a chain in forward order, which is what the seed models and most stacks are.
 */
final class DeadReasons {
    private DeadReasons() {
    }

    /**
     * The reason layer {@code i} is dead.
     *
     * @param layers every inspected layer in forward order; not modified
     */
    static String explain(List<LayerStats> layers, int i) {
        LayerStats layer = layers.get(i);
        String name = layer.displayName();
        boolean zeroInput = layer.input().allZero();
        boolean zeroOutputGradient = layer.outputGradientZero();
        if (zeroInput) {
            String reason = "input to " + name + " is all zeros" + zeroSource(layers, i);
            return zeroOutputGradient ? reason + "; and no gradient reaches its output: " + blockage(layers, i) : reason;
        }
        if (zeroOutputGradient) {
            String own = layer.weight().allZero() ? name + "'s weights are zero and " : "";
            return own + "no gradient reaches its output: " + blockage(layers, i);
        }
        if (layer.weightGradient() == null) {
            return "no gradient reached its parameters: they are not on the path from the loss";
        }
        double inputScale = layer.input().maxAbs();
        double gradientScale = layer.outputGradient().maxAbs();
        if (inputScale * gradientScale < UNDERFLOW_SCALE) {
            return "its input (at most " + Format.number(inputScale) + ") and the gradient at its output (at most "
                    + Format.number(gradientScale) + ") are so small that their products underflow to exactly zero";
        }
        return "every entry of its parameter gradients is exactly zero, although neither its input nor the gradient "
                + "at its output is: the contributions of the individual samples and positions cancel exactly";
    }

    /** Why the input of layer i is all zeros, as {@code " because …"}, or "" if the chain does not tell. */
    private static String zeroSource(List<LayerStats> layers, int i) {
        for (int k = i - 1; k >= 0; k--) {
            LayerStats below = layers.get(k);
            if (!below.activationValues().allZero()) {
                return "";
            }
            if (below.input().allZero()) {
                continue;
            }
            String name = below.displayName();
            if (below.weight().allZero()) {
                return " because " + name + "'s weights are zero";
            }
            if (!below.output().allZero() && below.activation() != null) {
                return " because the " + below.activation().type() + " after " + name
                        + " outputs only zeros (all its inputs are ≤ 0)";
            }
            return " because the activations underflow to exactly zero at " + name + " (the signal vanished)";
        }
        return layers.get(0).input().allZero() ? " (the model's input is all zeros)" : "";
    }

    /** Where the gradient flowing down to layer i's output stops, given that it is zero there. */
    private static String blockage(List<LayerStats> layers, int i) {
        for (int k = i; k < layers.size(); k++) {
            LayerStats layer = layers.get(k);
            ActivationStats activation = layer.activation();
            if (activation != null && activation.gradient() != null && !activation.gradient().allZero()) {
                return activationBlocks(layer);
            }
            if (k + 1 == layers.size()) {
                return "it is already zero at the output of " + layer.displayName() + ", the last layer inspected";
            }
            LayerStats above = layers.get(k + 1);
            if (!above.outputGradientZero()) {
                return throughLayer(above);
            }
        }
        throw new IllegalStateException("unreachable: the loop returns at the last layer");
    }

    /** A gradient arrives at {@code layer}'s output, but none comes out at its input. */
    private static String throughLayer(LayerStats layer) {
        String name = layer.displayName();
        if (layer.weight().allZero()) {
            return "nothing flows back through " + name + "'s zero weights";
        }
        RowSymmetry s = layer.symmetry();
        if (s != null && s.rows() >= 2 && s.weightRowsIdentical()) {
            String units = layer.weightShape().size() > 2 ? "output channels" : "units";
            String temporary = s.gradientRowSpread() > FlowRules.SYMMETRY_GRADIENT_TOLERANCE
                    ? " (until the first step separates " + name + "'s " + units + ", whose gradients differ)" : "";
            return "what flows back through " + name + " cancels exactly: its " + s.rows() + " " + units
                    + " have identical incoming weights, so each of their inputs receives the sum of their gradients, "
                    + "and that sum is zero here" + temporary;
        }
        if (layer.outputGradient().maxAbs() < UNDERFLOW_SCALE) {
            return "the gradient underflows to exactly zero on its way back through " + name + " (it is at most "
                    + Format.number(layer.outputGradient().maxAbs()) + " at " + name + "'s output)";
        }
        return "what flows back through " + name + " cancels to exactly zero";
    }

    /**
     * Below this, a gradient is small enough that its products may underflow to zero: float32's smallest normal
     * number is about 1.2e-38 (float64's 2.2e-308; values this small there are the float32 story told again).
     */
    private static final double UNDERFLOW_SCALE = 1e-30;

    /** The nonlinearity after {@code layer} has a gradient at its output but passes none back. */
    private static String activationBlocks(LayerStats layer) {
        ActivationStats activation = layer.activation();
        String prefix = "the " + activation.type() + " after " + layer.displayName() + " passes none back";
        switch (activation.type()) {
            case "ReLU":
                if (layer.output().allZero()) {
                    return prefix + " (all its inputs are exactly 0, and relu'(0) = 0)";
                }
                if (layer.output().max() <= 0) {
                    return prefix + " (all its inputs are ≤ 0, where relu' = 0)";
                }
                return prefix;
            case "Tanh":
                return activation.pinnedFraction() == 1.0
                        ? prefix + " (its outputs are all exactly ±1, where tanh' = 1 − y² = 0)" : prefix;
            case "Sigmoid":
                return activation.pinnedFraction() == 1.0
                        ? prefix + " (its outputs are all exactly 0 or 1, where σ' = y(1 − y) = 0)" : prefix;
            default:
                return prefix;
        }
    }
}
