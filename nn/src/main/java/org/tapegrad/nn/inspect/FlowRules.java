package org.tapegrad.nn.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules that turn the measurements of {@link LayerStats} into {@link Verdict}s, and their thresholds.
 *
 * <h2>The rules</h2>
 * <table>
 * <caption>Verdicts, in order of precedence</caption>
 * <tr><th>verdict</th><th>when</th></tr>
 * <tr><td>DEAD</td><td>every gradient of the layer's own parameters is exactly 0.0 (or missing): checked with
 *     {@code ==}, no tolerance, because a tiny gradient still trains and only an exact zero never does</td></tr>
 * <tr><td>EXPLODING</td><td>the layer's activations or gradients contain ±Infinity/NaN; or the scale grows
 *     along the stack beyond the limits below</td></tr>
 * <tr><td>SYMMETRIC</td><td>a weight of 2+ dimensions with 2+ rows (units, output channels), every row exactly
 *     equal, and the gradient rows equal within {@link #SYMMETRY_GRADIENT_TOLERANCE}; not reported for a dead
 *     layer whose weights are all zero (its death says more). Equal weights alone are not enough: the rows of
 *     a zero-initialised output layer get different gradients from the loss and separate at the first step</td></tr>
 * <tr><td>SATURATED</td><td>the Tanh/Sigmoid right after the layer has more than {@link #SATURATED_FRACTION}
 *     of its outputs within {@link #SATURATION_MARGIN} of its limits</td></tr>
 * <tr><td>VANISHING</td><td>the scale shrinks along the stack beyond the limits below</td></tr>
 * </table>
 *
 * <h2>Scale along the stack</h2>
 * The stack is the layers whose weight has 2 or more dimensions (Linear, Conv2d), in forward order; BatchNorm
 * layers rescale each channel to unit variance on purpose and are not steps of it. Going forward, the
 * activation std of the k-th stack layer is compared with that of the first; going backward, the std of the
 * gradient at the output of the k-th layer is compared with that at the output of the last (the gradient
 * flows from the top). With {@code ratio = std_k / std_ref} over {@code n} layers between the two, the
 * average factor per layer is {@code ratio^(1/n)}, and a layer is
 * <ul>
 *   <li>vanishing if the factor is below {@code 1/}{@link #SCALE_FACTOR_PER_LAYER} or the ratio below
 *       {@code 1/}{@link #SCALE_RATIO_OVERALL};</li>
 *   <li>exploding if the factor is above {@link #SCALE_FACTOR_PER_LAYER} or the ratio above
 *       {@link #SCALE_RATIO_OVERALL}.</li>
 * </ul>
 * Reference layers are not judged in their own direction (the first going forward, the last going backward),
 * and neither is any layer when the reference std or its own is 0 or not finite: exact zeros are the business
 * of the dead rule, and overflow that of the exploding one. A factor of 10 per layer is far outside
 * what a well-initialised layer does (Kaiming keeps it near 1); the overall limit catches slower drifts over
 * many layers, such as ×0.16 per layer for 0.01·N(0, 1) weights, 1e-6 after eight layers.
 *
 * <p>This class holds only constants and static rules.
 */
public final class FlowRules {
    /** The average factor per layer by which a scale may shrink or grow along the stack: 10. */
    public static final double SCALE_FACTOR_PER_LAYER = 10.0;

    /** The total factor by which a scale may shrink or grow from the reference layer: 1e6. */
    public static final double SCALE_RATIO_OVERALL = 1e6;

    /** A Tanh/Sigmoid is saturated when more than this fraction of its outputs are near its limits: 0.5. */
    public static final double SATURATED_FRACTION = 0.5;

    /**
     * How near a limit counts as saturated: 0.01, so |y| ≥ 0.99 for tanh and y ≤ 0.01 or y ≥ 0.99 for the
     * sigmoid, where the derivative is below 0.02 and 0.0099 (against 1 and 0.25 at the centre).
     */
    public static final double SATURATION_MARGIN = 0.01;

    /**
     * How far apart the gradient rows of identical units may be and still count as identical, relative to the
     * gradient's largest |entry|: 1e-6, room for rounding differences (float32 rounding is about 6e-8), far
     * below any difference the loss makes between units.
     */
    public static final double SYMMETRY_GRADIENT_TOLERANCE = 1e-6;

    private FlowRules() {
    }

    /**
     * The verdict of every layer.
     *
     * @param layers the inspected layers in forward order; not modified
     * @return one verdict per layer, in the same order
     */
    static List<LayerVerdict> judge(List<LayerStats> layers) {
        List<List<Finding>> findings = new ArrayList<>();
        String firstOverflow = firstOverflow(layers);
        for (int i = 0; i < layers.size(); i++) {
            LayerStats layer = layers.get(i);
            List<Finding> own = new ArrayList<>();
            if (layer.allGradientsZero()) {
                own.add(new Finding(Verdict.DEAD, DeadReasons.explain(layers, i)));
            }
            String overflow = overflow(layer, firstOverflow);
            if (overflow != null) {
                own.add(new Finding(Verdict.EXPLODING, overflow));
            }
            if (isSymmetric(layer) && !(layer.allGradientsZero() && layer.weight().allZero())) {
                own.add(new Finding(Verdict.SYMMETRIC, symmetricReason(layer)));
            }
            if (isSaturated(layer)) {
                own.add(new Finding(Verdict.SATURATED, saturatedReason(layer)));
            }
            findings.add(own);
        }
        scaleAlongTheStack(layers, findings);
        List<LayerVerdict> verdicts = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            List<Finding> own = findings.get(i);
            if (own.isEmpty()) {
                own.add(new Finding(Verdict.HEALTHY, healthyReason(layers.get(i))));
            }
            verdicts.add(new LayerVerdict(layers.get(i).name(), own));
        }
        return verdicts;
    }

    // ------------------------------------------------------------------ exploding: overflow

    private static boolean forwardFinite(LayerStats layer) {
        return layer.output().allFinite() && layer.activationValues().allFinite();
    }

    /** The first layer whose activations overflow although its input is finite, or null. */
    private static String firstOverflow(List<LayerStats> layers) {
        for (LayerStats layer : layers) {
            if (layer.input().allFinite() && !forwardFinite(layer)) {
                return layer.displayName();
            }
        }
        return null;
    }

    private static String overflow(LayerStats layer, String firstOverflow) {
        if (!forwardFinite(layer)) {
            if (!layer.input().allFinite()) {
                return "its input already holds ±Infinity or NaN" + (firstOverflow == null ? ""
                        : ": the activations first overflowed at " + firstOverflow);
            }
            TensorSummary bad = layer.output().allFinite() ? layer.activationValues() : layer.output();
            return "its activations overflow: " + bad.nonFiniteCount() + " of " + bad.numel()
                    + " values are ±Infinity or NaN (beyond the largest representable number, about 3.4e38 in float32)";
        }
        TensorSummary weightGradient = layer.weightGradient();
        TensorSummary outputGradient = layer.outputGradient();
        boolean badWeightGradient = weightGradient != null && !weightGradient.allFinite();
        if (badWeightGradient || (outputGradient != null && !outputGradient.allFinite())) {
            String count = badWeightGradient ? " (" + weightGradient.nonFiniteCount() + " of " + weightGradient.numel()
                    + " weight-gradient values)" : "";
            return "its gradients hold ±Infinity or NaN" + count + (firstOverflow == null ? ""
                    : ": the forward pass overflowed at " + firstOverflow + ", so the loss and the gradients are NaN");
        }
        return null;
    }

    // ------------------------------------------------------------------ symmetric

    private static boolean isSymmetric(LayerStats layer) {
        RowSymmetry s = layer.symmetry();
        return s != null && s.rows() >= 2 && s.weightRowsIdentical()
                && s.gradientRowSpread() <= SYMMETRY_GRADIENT_TOLERANCE;
    }

    private static String units(LayerStats layer) {
        return layer.weightShape().size() > 2 ? "output channels" : "units";
    }

    private static String symmetricReason(LayerStats layer) {
        RowSymmetry s = layer.symmetry();
        String value = Double.isNaN(s.commonValue()) ? "" : " (" + Format.number(s.commonValue()) + " everywhere)";
        return "all " + s.rows() + " " + units(layer) + " of " + layer.displayName()
                + " have identical incoming weights" + value + " and receive identical gradients, so gradient descent "
                + "can never separate them: the layer computes one feature " + s.rows() + " times";
    }

    // ------------------------------------------------------------------ saturated

    private static boolean isSaturated(LayerStats layer) {
        ActivationStats a = layer.activation();
        return a != null && a.saturates() && a.saturatedFraction() > SATURATED_FRACTION;
    }

    private static String saturatedReason(LayerStats layer) {
        ActivationStats a = layer.activation();
        boolean tanh = a.type().equals("Tanh");
        String limits = tanh ? "±1, where tanh' = 1 − y² ≈ 0" : "0 or 1, where σ' = y(1 − y) ≈ 0";
        return Format.percent(a.saturatedFraction()) + " of the outputs of the " + a.type() + " after "
                + layer.displayName() + " are within " + Format.number(SATURATION_MARGIN) + " of " + limits
                + ", so little gradient passes back through them";
    }

    // ------------------------------------------------------------------ vanishing and exploding: scale

    private static void scaleAlongTheStack(List<LayerStats> layers, List<List<Finding>> findings) {
        List<Integer> stack = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).isWeightLayer()) {
                stack.add(i);
            }
        }
        int n = stack.size();
        if (n < 2) {
            return;
        }
        LayerStats first = layers.get(stack.get(0));
        LayerStats top = layers.get(stack.get(n - 1));
        for (int p = 0; p < n; p++) {
            LayerStats layer = layers.get(stack.get(p));
            List<Finding> own = findings.get(stack.get(p));
            if (p > 0) {
                compare(own, "activation std", first.activationValues().std(), first,
                        layer.activationValues().std(), p, "later");
            }
            if (p < n - 1) {
                compare(own, "std of the gradient at its output", top.outputGradientStd(), top,
                        layer.outputGradientStd(), n - 1 - p, "above");
            }
        }
    }

    private static void compare(List<Finding> out, String what, double reference, LayerStats referenceLayer,
            double value, int steps, String direction) {
        if (!(reference > 0) || !Double.isFinite(reference) || !(value > 0) || !Double.isFinite(value)) {
            return;
        }
        double ratio = value / reference;
        double perLayer = Math.pow(ratio, 1.0 / steps);
        Verdict verdict;
        if (ratio < 1 / SCALE_RATIO_OVERALL || perLayer < 1 / SCALE_FACTOR_PER_LAYER) {
            verdict = Verdict.VANISHING;
        } else if (ratio > SCALE_RATIO_OVERALL || perLayer > SCALE_FACTOR_PER_LAYER) {
            verdict = Verdict.EXPLODING;
        } else {
            return;
        }
        out.add(new Finding(verdict, what + " is " + Format.number(value) + ", against " + Format.number(reference)
                + " at " + referenceLayer.displayName() + ", " + steps + " layer" + (steps == 1 ? "" : "s") + " "
                + direction + ": ×" + Format.number(perLayer) + " per layer on average (limits: ×"
                + Format.number(SCALE_FACTOR_PER_LAYER) + " or ×1/" + Format.number(SCALE_FACTOR_PER_LAYER)
                + " per layer, " + Format.number(SCALE_RATIO_OVERALL) + " overall)"));
    }

    // ------------------------------------------------------------------ healthy

    private static String healthyReason(LayerStats layer) {
        String text = "activation std " + Format.number(layer.activationValues().std()) + ", gradient std at its output "
                + Format.number(layer.outputGradientStd()) + ", ‖∇W‖/‖W‖ " + Format.number(layer.gradientToWeightNormRatio());
        RowSymmetry s = layer.symmetry();
        if (s != null && s.rows() >= 2 && s.weightRowsIdentical()) {
            text += "; its " + s.rows() + " " + units(layer) + " start with identical weights, but the loss gives them "
                    + "different gradients, so training separates them";
        }
        return text;
    }
}
