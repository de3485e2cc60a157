package org.tapegrad.examples.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tapegrad.examples.report.Json;
import org.tapegrad.examples.report.Report;
import org.tapegrad.examples.report.ReportSection;

/**
 * Runs experiments one after the other: prints each one's findings (prose, or one JSON document at the
 * end with {@code --json}), collects their report sections and writes {@code report.md} with the charts.
 * An experiment that fails is reported on stderr and the others still run; the exit status is then 1.
 */
public final class ExperimentRunner {
    private static final String TITLE = "tapegrad: why initialisation decides whether a deep network learns";
    private static final String INTRODUCTION = """
            Each section below is one experiment, run by `java -jar tapegrad-examples.jar` (all of them) or by \
            its subcommand (`depth`, `mlp`, `conv`, `formulas`; each has `--help`). The numbers come from \
            tapegrad's own tensors, autograd and initialisers, and every run is reproducible from its seed.""";

    private final PrintStream out;
    private final PrintStream err;
    private final List<ReportSection> extraSections = new ArrayList<>();

    /** Results go to {@code out}, progress and errors to {@code err}. */
    public ExperimentRunner(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Adds a section that goes after the experiments' own sections (for example an inspector's verdicts). */
    public ExperimentRunner addSection(ReportSection section) {
        extraSections.add(section);
        return this;
    }

    /**
     * Runs {@code experiments} and writes the report into {@code directory}.
     *
     * @param json print one JSON document on stdout instead of prose
     * @return the exit status: 0 if every experiment ran and the report was written, 1 otherwise
     */
    public int run(List<Experiment> experiments, Path directory, boolean json) {
        Progress progress = new Progress(err);
        Report report = new Report(TITLE, INTRODUCTION);
        Map<String, Object> results = Json.object();
        List<String> failed = new ArrayList<>();
        for (Experiment experiment : experiments) {
            double started = progress.seconds();
            try {
                Outcome outcome = experiment.run(progress);
                report.addAll(outcome.report(directory));
                results.put(experiment.name(), outcome.json());
                if (!json) {
                    out.println(outcome.prose().strip());
                    out.println();
                    out.flush();
                }
                progress.note(String.format(Locale.ROOT, "%s done in %.1f s", experiment.name(),
                        progress.seconds() - started));
            } catch (IOException | RuntimeException e) {
                failed.add(experiment.name());
                err.println(experiment.name() + " failed: " + e);
                report.add(ReportSection.of(experiment.name() + " (failed)",
                        "This experiment could not run: `" + e + "`."));
            }
        }
        report.addAll(extraSections);
        Path written = null;
        try {
            written = report.write(directory);
        } catch (IOException e) {
            err.println("cannot write the report in " + directory + ": " + e.getMessage());
            failed.add("report");
        }
        if (json) {
            Map<String, Object> document = Json.object();
            document.put("report", written == null ? null : written.toString());
            document.put("failed", failed);
            document.put("experiments", results);
            out.println(Json.write(document));
        } else if (written != null) {
            out.println("Report: " + written);
        }
        out.flush();
        return failed.isEmpty() ? 0 : 1;
    }
}
