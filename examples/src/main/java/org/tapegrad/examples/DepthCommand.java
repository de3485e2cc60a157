package org.tapegrad.examples;

import java.util.List;
import org.tapegrad.examples.depth.ChainConfig;
import org.tapegrad.examples.depth.DepthExperiment;
import org.tapegrad.examples.run.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code depth}: the 100-layer chain of the first seed article and its variance facts. */
@Command(name = "depth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The first seed article's deep chain: x = randn(n); for each layer a = init(n, n); "
                + "x = act(a @ x). Prints the final mean/std and the first NaN layer of every configuration, "
                + "and the variance facts (std of a @ x ≈ √n, …) averaged over trials.",
            "Writes report.md and depth_std.png (per-layer std, log scale) into --out."})
final class DepthCommand extends ExperimentCommand {
    @Option(names = "--layers", paramLabel = "L", defaultValue = "100", description = "depth (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--units", paramLabel = "N", defaultValue = "512", description = "width (default: ${DEFAULT-VALUE})")
    int units;

    @Option(names = "--trials", paramLabel = "T", defaultValue = "100",
            description = "trials averaged for the variance facts, 0 to skip them (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--config", paramLabel = "ID",
            description = "run only this configuration (repeatable); one of: ${COMPLETION-CANDIDATES}",
            completionCandidates = ConfigIds.class)
    List<String> configs;

    @Override
    Experiment experiment() {
        return new DepthExperiment(new DepthExperiment.Options(layers, units, trials, common.dtype, common.seed,
                configs));
    }

    /** The configuration ids, for the help text. */
    static final class ConfigIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ChainConfig.ids().iterator();
        }
    }
}
