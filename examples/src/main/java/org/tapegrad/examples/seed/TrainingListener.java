package org.tapegrad.examples.seed;

import java.util.List;

/**
 * Watches one training run of {@link SeedExperiment}: sees the model once it is built (to register
 * forward hooks or tensor hooks) and after every backward pass (gradients in place, before the step).
 * Its verdicts, if any, go into the report under the variant's results. Every method has a default that
 * does nothing.
 */
public interface TrainingListener {
    /** Called once, after the model is built and initialised, before the first epoch. */
    default void modelBuilt(SeedNet net) {
    }

    /** Called after the backward pass of epoch {@code epoch} (0-based), before the optimiser's step. */
    default void afterBackward(int epoch, SeedNet net, double loss) {
    }

    /** Lines (Markdown) for the report, for example a gradient-flow verdict per layer. */
    default List<String> verdicts() {
        return List.of();
    }
}
