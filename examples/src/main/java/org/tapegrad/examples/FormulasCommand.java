package org.tapegrad.examples;

import org.tapegrad.examples.formulas.FormulasExperiment;
import org.tapegrad.examples.run.Experiment;
import picocli.CommandLine.Command;

/** {@code formulas}: fans, gains and every initialiser's std for a Linear and a Conv2d weight. */
@Command(name = "formulas", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"For a Linear(512, 256) and a Conv2d(64, 128, 3) weight: fan_in, fan_out, the gains and "
                + "the std (and uniform bound) of every initialiser (PyTorch's modes, Caffe's xavier/msra, Keras' "
                + "LeCun/Glorot/He), each formula next to the std measured on a sample.",
            "Writes report.md into --out."})
final class FormulasCommand extends ExperimentCommand {
    @Override
    Experiment experiment() {
        return new FormulasExperiment(new FormulasExperiment.Options(common.dtype, common.seed));
    }
}
