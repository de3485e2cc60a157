package org.tapegrad.nn.inspect;

import java.util.List;

/**
 * Everything the inspector measured for one module that owns parameters, in one forward and backward pass.
 * This class is immutable.
 *
 * @param name            the module's dotted name in the model ({@code "conv1"}, {@code "block.0"})
 * @param type            the module's type name ({@code "Conv2d"})
 * @param input           the module's input
 * @param output          the module's output
 * @param outputGradient  the gradient of the loss with respect to the output, or null if none arrived
 * @param activation      the nonlinearity applied directly to the output, or null if there is none
 * @param weightName      which of the module's own parameters is reported as its weight: {@code "weight"} if
 *                        it has one, otherwise its first parameter
 * @param weightShape     that parameter's shape
 * @param weight          that parameter's values
 * @param weightGradient  its gradient, or null if it received none
 * @param allGradientsZero whether the gradient of every one of the module's own parameters is missing or
 *                        exactly zero everywhere (the weight and, say, a bias or BatchNorm's β)
 * @param symmetry        the row comparison of a weight of 2 or more dimensions; null for a 0-D or 1-D weight
 *                        (BatchNorm's γ), whose entries are not incoming weights of units
 */
public record LayerStats(String name, String type, TensorSummary input, TensorSummary output,
        TensorSummary outputGradient, ActivationStats activation, String weightName, List<Integer> weightShape,
        TensorSummary weight, TensorSummary weightGradient, boolean allGradientsZero, RowSymmetry symmetry) {

    public LayerStats {
        weightShape = List.copyOf(weightShape);
    }

    /**
     * Whether the weight has 2 or more dimensions (Linear, Conv2d): a layer that mixes its inputs, and so one
     * step of the stack whose scale the vanishing/exploding rules follow. Normalisation layers, whose weight is
     * 1-D, rescale per channel and are left out of those rules.
     */
    public boolean isWeightLayer() {
        return weightShape.size() >= 2;
    }

    /**
     * What the next layer receives: the output of the nonlinearity that follows this layer, or the layer's own
     * output when none follows. The "activation" of the report's tables and charts.
     */
    public TensorSummary activationValues() {
        return activation != null ? activation.values() : output;
    }

    /** The standard deviation of the gradient at the output; 0 if no gradient arrived. */
    public double outputGradientStd() {
        return outputGradient == null ? 0.0 : outputGradient.std();
    }

    /** Whether no gradient arrived at the output, or the one that did is exactly zero everywhere. */
    public boolean outputGradientZero() {
        return outputGradient == null || outputGradient.allZero();
    }

    /**
     * {@code ‖∇W‖ / ‖W‖}, the relative size of one plain SGD step per unit learning rate (about 1e-3 per step
     * is a common rule of thumb for a healthy layer). 0 without a gradient; NaN when the weight is zero.
     */
    public double gradientToWeightNormRatio() {
        if (weightGradient == null) {
            return 0.0;
        }
        return weight.norm() == 0.0 ? Double.NaN : weightGradient.norm() / weight.norm();
    }

    /**
     * The name used in sentences: the module's name, {@code "layer 3"} for a purely numeric name (a
     * {@code Sequential} child), or the type name for the model itself (name {@code ""}).
     */
    public String displayName() {
        if (name.isEmpty()) {
            return type;
        }
        return name.chars().allMatch(c -> Character.isDigit(c) || c == '.') ? "layer " + name : name;
    }
}
