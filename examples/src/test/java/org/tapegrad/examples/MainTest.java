package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.examples.run.Experiment;

/** The root command: every experiment by default, the subcommands, and usage errors. */
class MainTest {
    @Test
    void withoutACommandEveryExperimentRunsInTheArticlesOrder() {
        List<Experiment> all = Main.defaultExperiments(0, DType.FLOAT32);
        assertEquals(List.of("depth", "mlp", "conv", "formulas"), all.stream().map(Experiment::name).toList());
    }

    @Test
    void helpListsEverySubcommandAndTheCommonOptions() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.status, run.toString());
        for (String word : List.of("depth", "mlp", "conv", "formulas", "conformance", "--out", "--seed", "--dtype",
                "--json")) {
            assertTrue(run.out.contains(word), word + " missing:\n" + run.out);
        }
    }

    @Test
    void anUnknownOptionOrCommandIsAUsageError() {
        for (String[] args : List.of(new String[] {"--bogus"}, new String[] {"--seed", "abc"})) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status, String.join(" ", args) + "\n" + run);
            assertTrue(run.err.contains("Usage: tapegrad-examples"), run.err);
        }
        CliRun typo = CliRun.of("depht");
        assertEquals(2, typo.status, typo.toString());
        assertTrue(typo.err.contains("Did you mean: tapegrad-examples depth?"),
                "picocli suggests the command: " + typo.err);
    }
}
