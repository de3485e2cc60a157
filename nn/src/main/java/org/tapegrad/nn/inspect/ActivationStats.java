package org.tapegrad.nn.inspect;

/**
 * What the inspector saw of the nonlinearity that directly follows a parameterised layer (a ReLU,
 * LeakyReLU, Tanh or Sigmoid module whose input is that layer's output). This class is immutable.
 *
 * @param type              the module's type name, for example {@code "Tanh"}
 * @param values            the nonlinearity's output
 * @param gradient          the gradient of the loss with respect to that output, or null if none arrived
 * @param saturatedFraction for Tanh and Sigmoid, the fraction of outputs within
 *                          {@link FlowRules#SATURATION_MARGIN} of the function's limits (±1 for tanh, 0 and 1 for
 *                          the sigmoid); NaN for the other nonlinearities
 * @param pinnedFraction    for Tanh and Sigmoid, the fraction of outputs exactly at a limit, where the derivative
 *                          ({@code 1 − y²}, {@code y(1 − y)}) is exactly 0; NaN for the others
 */
public record ActivationStats(String type, TensorSummary values, TensorSummary gradient, double saturatedFraction,
        double pinnedFraction) {

    /** Whether this is a Tanh or a Sigmoid, the nonlinearities that saturate. */
    public boolean saturates() {
        return !Double.isNaN(saturatedFraction);
    }
}
