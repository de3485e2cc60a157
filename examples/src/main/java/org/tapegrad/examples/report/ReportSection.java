package org.tapegrad.examples.report;

/**
 * One section of {@code report.md}: a level-2 heading and its Markdown body. Experiments produce
 * sections; anything else (an inspector, a benchmark) can add its own to a {@link Report}.
 */
public interface ReportSection {
    /** The heading, without the leading {@code ##}. */
    String title();

    /** The body in Markdown; image links are relative to the report's directory. */
    String markdown();

    /** A section from a fixed title and body. */
    static ReportSection of(String title, String markdown) {
        return new ReportSection() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public String markdown() {
                return markdown;
            }
        };
    }
}
