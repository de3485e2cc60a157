package org.tapegrad.examples.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.report.Json;
import org.tapegrad.examples.report.ReportSection;

/** The runner: prose or JSON on stdout, one report with every section, and failures that do not stop the rest. */
class ExperimentRunnerTest {
    private static Experiment fixed(String name, String prose) {
        return new Experiment() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Outcome run(Progress progress) {
                progress.step(name, 1, 1, "working");
                return new Outcome() {
                    @Override
                    public String prose() {
                        return prose;
                    }

                    @Override
                    public Map<String, Object> json() {
                        Map<String, Object> j = Json.object();
                        j.put("prose", prose);
                        return j;
                    }

                    @Override
                    public List<ReportSection> report(Path directory) {
                        return List.of(ReportSection.of("Section " + name, prose));
                    }
                };
            }
        };
    }

    private static Experiment failing(String name) {
        return new Experiment() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Outcome run(Progress progress) {
                throw new UnsupportedOperationException("not implemented yet");
            }
        };
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ExperimentRunner runner() {
        return new ExperimentRunner(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void everyExperimentsSectionGoesIntoOneReportInOrder(@TempDir Path dir) throws Exception {
        int status = runner().addSection(ReportSection.of("Inspector", "extra verdicts"))
                .run(List.of(fixed("a", "first finding"), fixed("b", "second finding")), dir, false);
        assertEquals(0, status);
        String report = Files.readString(dir.resolve("report.md"));
        int a = report.indexOf("## Section a");
        int b = report.indexOf("## Section b");
        int inspector = report.indexOf("## Inspector");
        assertTrue(a > 0 && b > a && inspector > b, report);
        assertTrue(report.contains("- [Section a](#section-a)"), "a table of contents: " + report);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.indexOf("first finding") < printed.indexOf("second finding"), printed);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("[a 1/1"), "progress on the error stream");
    }

    @Test
    void aFailingExperimentIsReportedAndTheOthersStillRun(@TempDir Path dir) throws Exception {
        int status = runner().run(List.of(failing("broken"), fixed("b", "second finding")), dir, true);
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("broken failed: java.lang.UnsupportedOperationException"));
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("## broken (failed)") && report.contains("## Section b"), report);
        String json = out.toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"failed\": [\n    \"broken\"\n  ]"), json);
        assertTrue(!json.contains("second finding\n"), "no prose in JSON mode");
    }
}
