package org.tapegrad.examples.report;

import java.util.List;
import java.util.Locale;

/** Small Markdown builders: tables, image links, heading anchors. */
public final class Markdown {
    private Markdown() {
    }

    /** A pipe table; cells containing '|' are escaped. Every row must have as many cells as the header. */
    public static String table(List<String> header, List<List<String>> rows) {
        StringBuilder md = new StringBuilder();
        row(md, header);
        md.append('|');
        for (int i = 0; i < header.size(); i++) {
            md.append(" --- |");
        }
        md.append('\n');
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("table: a row has " + r.size() + " cells, the header "
                        + header.size());
            }
            row(md, r);
        }
        return md.toString();
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append('|');
        for (String cell : cells) {
            md.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        md.append('\n');
    }

    /** An image link {@code ![alt](file)}. */
    public static String image(String alt, String fileName) {
        return "![" + alt + "](" + fileName + ")";
    }

    /** The anchor GitHub-style renderers give a heading: lower case, spaces to '-', punctuation dropped. */
    public static String anchor(String heading) {
        StringBuilder a = new StringBuilder();
        for (char c : heading.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                a.append(c);
            } else if (c == ' ') {
                a.append('-');
            }
        }
        return a.toString();
    }
}
