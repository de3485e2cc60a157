package org.tapegrad.examples;

import java.util.ArrayList;
import java.util.List;
import org.tapegrad.examples.run.Experiment;
import org.tapegrad.examples.seed.ConvExperiment;
import org.tapegrad.examples.seed.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conv}: the conv seed article's zero-initialisation experiment and its derivation. */
@Command(name = "conv", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The conv seed article's experiment: conv1 → BatchNorm2d → ReLU → conv2 → BatchNorm2d → ReLU "
                + "on a randn(1, 3, SIZE, SIZE) image labelled 2 at every pixel, cross entropy, SGD, for the "
                + "variants zeros, zeros-single-conv (conv2 alone), constant5 and kaiming. Prints 'round i: loss = …' "
                + "and, per conv layer, whether its weight ever received a non-zero gradient; then checks the "
                + "article's derivation (∂L/∂k₁ = Σ ∂f·i) against the engine.",
            "Writes report.md and one five-panel chart per variant (conv_<variant>.png) into --out."})
final class ConvCommand extends ExperimentCommand {
    @Option(names = "--epochs", paramLabel = "E", defaultValue = "40", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--size", paramLabel = "S", defaultValue = "224",
            description = "side of the image (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--variant", paramLabel = "V", defaultValue = "all",
            description = "variant to run, repeatable: all, ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            completionCandidates = VariantIds.class)
    List<String> variants;

    @Option(names = "--zero-grad", description = "zero the gradients every epoch (the article never does)")
    boolean zeroGrad;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.01", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.1",
            description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum;

    @Override
    Experiment experiment() {
        List<Variant> chosen = new ArrayList<>();
        for (String v : variants) {
            if (v.equalsIgnoreCase("all")) {
                chosen.addAll(List.of(Variant.values()));
            } else {
                chosen.add(Variant.of(v));
            }
        }
        return new ConvExperiment(new ConvExperiment.Options(epochs, size, chosen, zeroGrad, lr, momentum,
                common.dtype, common.seed), List.of(new GradientFlowVariantInspector(common.seed)));
    }

    /** The variant ids, for the help text. */
    static final class VariantIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Variant.ids().iterator();
        }
    }
}
