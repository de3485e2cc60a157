package org.tapegrad.examples.seed;

/**
 * Something that inspects every variant of the {@code conv} experiment, for example a gradient-flow
 * inspector: for each run it supplies a fresh {@link TrainingListener}, whose verdicts appear in the
 * report under that variant. The full run registers the gradient-flow inspector
 * ({@code org.tapegrad.examples.GradientFlowVariantInspector}).
 */
@FunctionalInterface
public interface VariantInspector {
    /** A listener for the run of {@code variant}. */
    TrainingListener watch(Variant variant);
}
