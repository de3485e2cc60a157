package org.tapegrad.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples jar: {@code java -jar examples/target/tapegrad-examples.jar [command]}. Each experiment is
 * a subcommand with its own {@code --help}.
 */
@Command(name = "tapegrad-examples", mixinStandardHelpOptions = true, version = "tapegrad 0.1.0",
        description = "Experiments that show why weight initialisation decides whether a network learns.",
        subcommands = {ConformanceCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
