package org.tapegrad.examples;

import java.util.List;
import java.util.concurrent.Callable;
import org.tapegrad.examples.run.Experiment;
import org.tapegrad.examples.run.ExperimentRunner;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * The shared body of the experiment subcommands: build the experiment from the options, run it, print
 * its findings and write {@code report.md} with its section and charts into {@code --out}.
 * Options whose values are out of range are reported like picocli's own errors: the message, the usage
 * and exit status 2.
 */
abstract class ExperimentCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** The experiment to run; throws IllegalArgumentException for invalid option values. */
    abstract Experiment experiment();

    @Override
    public Integer call() {
        Experiment experiment;
        try {
            experiment = experiment();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return new ExperimentRunner(System.out, System.err).run(List.of(experiment), common.out, common.json);
    }
}
