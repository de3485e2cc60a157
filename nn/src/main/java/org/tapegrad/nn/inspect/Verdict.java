package org.tapegrad.nn.inspect;

/**
 * What the inspector concludes about a layer, in order of precedence: when several apply, the first one
 * listed here is the layer's verdict and the others are kept as further findings (see
 * {@link LayerVerdict#findings()}). The order follows how completely each problem stops the layer from
 * learning <i>now</i>:
 * <ol>
 *   <li>{@link #DEAD}: no signal at all; nothing else matters until this is fixed.</li>
 *   <li>{@link #EXPLODING}: a signal, but overflowing or meaninglessly large.</li>
 *   <li>{@link #SYMMETRIC}: a usable signal that can never break the tie between units, however long one
 *       trains: a structural defect no step size fixes.</li>
 *   <li>{@link #SATURATED}: the signal is crushed by the flat tails of tanh/sigmoid. Saturation makes gradients
 *       vanish, so it is named in preference to its symptom {@link #VANISHING}.</li>
 *   <li>{@link #VANISHING}: the signal shrinks with depth, so some layers learn very slowly.</li>
 *   <li>{@link #HEALTHY}: none of the above.</li>
 * </ol>
 * The thresholds are in {@link FlowRules}.
 */
public enum Verdict {
    /** Every parameter gradient of the layer is exactly zero (or missing): gradient descent cannot change it. */
    DEAD,
    /**
     * The activations or gradients overflowed (±Infinity/NaN), or their scale grows by more than
     * {@link FlowRules#SCALE_FACTOR_PER_LAYER} per layer on average, or by more than
     * {@link FlowRules#SCALE_RATIO_OVERALL} in all, along the stack.
     */
    EXPLODING,
    /** All units of the layer have identical incoming weights and identical gradients. */
    SYMMETRIC,
    /** More than {@link FlowRules#SATURATED_FRACTION} of the following tanh/sigmoid's outputs sit near its limits. */
    SATURATED,
    /**
     * The scale of the activations (going forward) or of the gradients (going backward) shrinks by more than
     * {@link FlowRules#SCALE_FACTOR_PER_LAYER} per layer on average, or by more than
     * {@link FlowRules#SCALE_RATIO_OVERALL} in all.
     */
    VANISHING,
    /** No problem found. */
    HEALTHY
}
