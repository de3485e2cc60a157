package org.tapegrad.examples.depth;

import org.tapegrad.autograd.Tensor;

/** The non-linearity applied after each layer of a chain. */
public enum Activation {
    /** No activation: {@code x = a @ x}. */
    LINEAR("linear"),
    /** {@code tanh}. */
    TANH("tanh"),
    /** The logistic sigmoid. */
    SIGMOID("sigmoid"),
    /** {@code max(0, x)}. */
    RELU("relu");

    private final String label;

    Activation(String label) {
        this.label = label;
    }

    /** Applies the activation (a new tensor; LINEAR returns its argument). */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case LINEAR -> x;
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case RELU -> x.relu();
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
