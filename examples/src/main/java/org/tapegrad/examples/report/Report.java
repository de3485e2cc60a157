package org.tapegrad.examples.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Markdown report: a title, an introduction and an open list of {@link ReportSection}s, written
 * as {@code report.md} (atomically) in the output directory, next to the chart images the sections link to.
 */
public final class Report {
    /** The file name of the report inside the output directory. */
    public static final String FILE_NAME = "report.md";

    private final String title;
    private final String introduction;
    private final List<ReportSection> sections = new ArrayList<>();

    public Report(String title, String introduction) {
        this.title = title;
        this.introduction = introduction;
    }

    /** Appends a section; sections appear in the order they were added. */
    public Report add(ReportSection section) {
        sections.add(section);
        return this;
    }

    /** Appends every section of {@code more}. */
    public Report addAll(List<? extends ReportSection> more) {
        sections.addAll(more);
        return this;
    }

    /** The sections added so far (a copy). */
    public List<ReportSection> sections() {
        return List.copyOf(sections);
    }

    /** The whole report as Markdown. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        if (!introduction.isBlank()) {
            md.append(introduction.strip()).append("\n\n");
        }
        if (sections.size() > 1) {
            for (ReportSection section : sections) {
                md.append("- [").append(section.title()).append("](#").append(Markdown.anchor(section.title()))
                        .append(")\n");
            }
            md.append('\n');
        }
        for (ReportSection section : sections) {
            md.append("## ").append(section.title()).append("\n\n");
            md.append(section.markdown().strip()).append("\n\n");
        }
        return md.toString();
    }

    /**
     * Writes {@value #FILE_NAME} into {@code directory} (created if needed).
     *
     * @return the path of the report
     */
    public Path write(Path directory) throws IOException {
        Path target = directory.resolve(FILE_NAME);
        AtomicFiles.writeString(target, markdown());
        return target;
    }
}
