package org.tapegrad.nn.inspect;

import java.util.Locale;

/**
 * A minimal JSON writer for the report: objects, arrays, strings, numbers, booleans and null, two-space
 * indented. Numbers that JSON cannot hold (NaN, ±Infinity) are written as {@code null}. Callers write
 * names and values in order; commas and indentation are handled here.
 */
final class Json {
    private final StringBuilder out = new StringBuilder();
    private int depth;
    private boolean first = true;
    private boolean skipSeparator;

    Json beginObject() {
        return open('{');
    }

    Json endObject() {
        return close('}');
    }

    Json beginArray() {
        return open('[');
    }

    Json endArray() {
        return close(']');
    }

    /** Starts a member of the current object; the value follows. */
    Json name(String name) {
        separate();
        quote(name);
        out.append(": ");
        skipSeparator = true; // the value that follows sits on this line

        return this;
    }

    Json value(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    Json value(double value) {
        separate();
        if (!Double.isFinite(value)) {
            out.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(Double.toString(value)); // shortest round-trip form, such as 0.16 or 3.21E-80: valid JSON
        }
        return this;
    }

    Json value(long value) {
        separate();
        out.append(value);
        return this;
    }

    Json value(boolean value) {
        separate();
        out.append(value);
        return this;
    }

    Json nullValue() {
        separate();
        out.append("null");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private Json open(char bracket) {
        separate();
        out.append(bracket);
        depth++;
        first = true;
        return this;
    }

    private Json close(char bracket) {
        depth--;
        if (!first) {
            newline();
        }
        out.append(bracket);
        first = false;
        return this;
    }

    private void separate() {
        if (skipSeparator) {
            skipSeparator = false;
            first = false;
            return;
        }
        if (depth > 0) {
            if (!first) {
                out.append(',');
            }
            newline();
        }
        first = false;
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
