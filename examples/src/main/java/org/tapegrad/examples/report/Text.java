package org.tapegrad.examples.report;

/** Plain-text helpers for the prose printed on the terminal. */
public final class Text {
    /** The width prose paragraphs are wrapped to. */
    public static final int WIDTH = 100;

    private Text() {
    }

    /** {@code text} re-flowed to lines of at most {@value #WIDTH} characters (longer words stay whole), ending in a newline. */
    public static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : text.strip().split("\\s+")) {
            if (column > 0 && column + word.length() + 1 > WIDTH) {
                out.append('\n');
                column = 0;
            }
            if (column > 0) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.append('\n').toString();
    }
}
