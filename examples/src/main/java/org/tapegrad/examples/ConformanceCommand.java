package org.tapegrad.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.tapegrad.examples.conformance.ConformanceRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code conformance DIR}: runs PyTorch reference cases and prints PASS/FAIL per case. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Runs every PyTorch reference case (*.npz) in DIR through tapegrad.",
            "Prints one line per case (PASS/FAIL, name, worst error) and 'N passed, M failed'.",
            "Exit status 0 only when nothing failed and at least one case passed."})
final class ConformanceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "directory of reference cases")
    private Path directory;

    @Override
    public Integer call() {
        try {
            List<ConformanceRunner.Result> results = new ConformanceRunner().run(directory, null);
            return ConformanceRunner.print(results, System.out) ? 0 : 1;
        } catch (IOException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
