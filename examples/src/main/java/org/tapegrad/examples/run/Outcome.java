package org.tapegrad.examples.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tapegrad.examples.report.ReportSection;

/** What an experiment found, in the three forms the jar shows it. */
public interface Outcome {
    /** A plain-English summary with the key numbers, printed on stdout. */
    String prose();

    /** A machine-readable summary (see {@link org.tapegrad.examples.report.Json}) for {@code --json}. */
    Map<String, Object> json();

    /**
     * Writes this outcome's charts into {@code directory} and returns its report sections, whose image
     * links are file names in that directory.
     */
    List<ReportSection> report(Path directory) throws IOException;
}
