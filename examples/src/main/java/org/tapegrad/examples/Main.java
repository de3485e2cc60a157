package org.tapegrad.examples;

import java.util.List;
import java.util.concurrent.Callable;
import org.tapegrad.autograd.DType;
import org.tapegrad.examples.depth.DepthExperiment;
import org.tapegrad.examples.formulas.FormulasExperiment;
import org.tapegrad.examples.mlp.MlpExperiment;
import org.tapegrad.examples.run.Experiment;
import org.tapegrad.examples.run.ExperimentRunner;
import org.tapegrad.examples.seed.ConvExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The examples jar: {@code java -jar examples/target/tapegrad-examples.jar [command]}. With no command it
 * runs every experiment at its default size and writes {@code report.md} with the charts into
 * {@code --out}; each experiment is also a subcommand with its own {@code --help}.
 */
@Command(name = "tapegrad-examples", mixinStandardHelpOptions = true, version = "tapegrad 0.1.0",
        sortOptions = false,
        description = {"Experiments that show why weight initialisation decides whether a network learns.",
            "Without a command, runs every experiment at its default size, prints what each found and writes "
                    + "report.md with the charts into --out."},
        subcommands = {DepthCommand.class, MlpCommand.class, ConvCommand.class, FormulasCommand.class,
            InspectCommand.class, ConformanceCommand.class, BenchCommand.class, CompareCommand.class})
public final class Main implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    public static void main(String[] args) {
        // Before any AWT class loads: the charts are drawn without a display.
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    /** Every experiment at its default size, with the given seed and type. */
    static List<Experiment> defaultExperiments(long seed, DType dtype) {
        DepthExperiment.Options depth = DepthExperiment.Options.defaults();
        MlpExperiment.Options mlp = MlpExperiment.Options.defaults();
        ConvExperiment.Options conv = ConvExperiment.Options.defaults();
        return List.of(
                new DepthExperiment(new DepthExperiment.Options(depth.layers(), depth.units(), depth.trials(), dtype,
                        seed, List.of())),
                new MlpExperiment(new MlpExperiment.Options(mlp.layers(), mlp.units(), mlp.batch(), dtype, seed,
                        mlp.library())),
                new ConvExperiment(new ConvExperiment.Options(conv.epochs(), conv.size(), conv.variants(),
                        conv.zeroGrad(), conv.lr(), conv.momentum(), dtype, seed),
                        List.of(new GradientFlowVariantInspector(seed))),
                new FormulasExperiment(new FormulasExperiment.Options(dtype, seed)));
    }

    @Override
    public Integer call() {
        return new ExperimentRunner(System.out, System.err).run(defaultExperiments(common.seed, common.dtype),
                common.out, common.json);
    }
}
