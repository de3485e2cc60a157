package org.tapegrad.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tapegrad.examples.bench.Comparison;
import org.tapegrad.examples.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compare}: one benchmark workload of two or more builds, timed by turns in one JVM
 * ({@link Comparison}), for changes smaller than the machine's drift between separate {@code bench} runs.
 * Prints one JSON object: per build its median, quartiles and counted runs, and its median over the first
 * build's.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times one workload of several builds of tapegrad by turns in this JVM, each build in a "
                + "class loader of its own, so that all of them meet the same periods of the machine: for "
                + "changes of a few percent, which separate bench runs on a drifting machine cannot resolve.",
            "Prints one JSON object with each build's median, quartiles and counted runs, and its median over "
                    + "the first build's. Progress goes to stderr."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(paramLabel = "BUILD", arity = "2..*",
            description = "the builds, first the baseline: each a tapegrad-examples.jar (or a class path)")
    List<String> builds;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "cnn",
            description = "the workload, as bench names it (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads of each build's pool (default: the number of cores)")
    Integer threads;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "120",
            description = "how long to alternate; the first quarter warms the JIT up and is not counted "
                    + "(default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--per-turn", paramLabel = "R", defaultValue = "3",
            description = "runs of one build before the next takes its turn (default: ${DEFAULT-VALUE})")
    int perTurn;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of the workload's data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--quick", hidden = true, description = "tiny problem sizes (for tests)")
    boolean quick;

    @Override
    public Integer call() {
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1 || perTurn < 1 || !(seconds >= 0)) {
            System.err.println("compare: --threads and --per-turn must be at least 1 and --seconds at least 0, got "
                    + threadCount + ", " + perTurn + " and " + seconds);
            return 2;
        }
        try (Comparison comparison = new Comparison(builds, workload, quick ? "quick" : "full", threadCount, seed)) {
            List<Comparison.Sample> samples = comparison.run(seconds, perTurn, System.err::println);
            double baseline = samples.get(0).quantile(0.5);
            Map<String, Object> json = Json.object();
            json.put("workload", workload);
            json.put("threads", threadCount);
            List<Object> figures = new ArrayList<>();
            for (Comparison.Sample sample : samples) {
                Map<String, Object> figure = Json.object();
                figure.put("build", sample.build());
                figure.put("median_s", BenchCommand.fourDigits(sample.quantile(0.5)));
                figure.put("p25_s", BenchCommand.fourDigits(sample.quantile(0.25)));
                figure.put("p75_s", BenchCommand.fourDigits(sample.quantile(0.75)));
                figure.put("runs", sample.seconds().length);
                figure.put("median_over_first", BenchCommand.fourDigits(sample.quantile(0.5) / baseline));
                figures.add(figure);
            }
            json.put("builds", figures);
            System.out.println(Json.write(json));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("compare: could not close a build's class loader: " + e.getMessage());
            return 1;
        }
    }
}
