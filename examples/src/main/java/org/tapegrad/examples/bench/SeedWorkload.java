package org.tapegrad.examples.bench;

import org.tapegrad.examples.seed.SeedExperiment;
import org.tapegrad.examples.seed.Variant;

/**
 * Workload 1: the conv seed article's experiment with both convs Kaiming-initialised, exactly the loop
 * of {@link SeedExperiment} (image and weights drawn, then {@code epochs} steps of forward, backward,
 * statistics and SGD on a 224×224 image). Each run is a whole experiment, as a user would time it.
 */
final class SeedWorkload {
    private SeedWorkload() {
    }

    static Runnable prepare(BenchSizes sizes, long seed) {
        SeedExperiment.Config config = SeedExperiment.Config.article(Variant.KAIMING, seed)
                .withEpochs(sizes.seedEpochs()).withSize(sizes.seedSize());
        return () -> SeedExperiment.run(config);
    }
}
