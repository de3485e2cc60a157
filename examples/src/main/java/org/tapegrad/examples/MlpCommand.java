package org.tapegrad.examples;

import org.tapegrad.examples.mlp.MlpExperiment;
import org.tapegrad.examples.run.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlp}: the fifth seed article's 100 Linear layers, with its set-ups and every library initialiser. */
@Command(name = "mlp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The fifth seed article's network: LAYERS × Linear(N, N, no bias) on a batch of B rows of "
                + "N(0, 1), with N(0,1), std √(1/n), tanh + xavierUniform_(gain = calculateGain(\"tanh\")), "
                + "ReLU + kaimingNormal_, then every initialiser of the library on the tanh and ReLU networks. "
                + "Prints each run's final std and verdict.",
            "Writes report.md, mlp_article.png, mlp_library_tanh.png and mlp_library_relu.png into --out."})
final class MlpCommand extends ExperimentCommand {
    @Option(names = "--layers", paramLabel = "L", defaultValue = "100", description = "depth (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--units", paramLabel = "N", defaultValue = "256", description = "width (default: ${DEFAULT-VALUE})")
    int units;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16",
            description = "rows of the input batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--no-library", description = "run only the article's six set-ups, not every initialiser")
    boolean noLibrary;

    @Override
    Experiment experiment() {
        return new MlpExperiment(new MlpExperiment.Options(layers, units, batch, common.dtype, common.seed,
                !noLibrary));
    }
}
