package org.tapegrad.autograd.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict parser for the Python dict literal in a {@code .npy} header, such as
 * <pre>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }</pre>
 *
 * <p>It understands exactly what NumPy writes there, and no more: a dict whose keys are strings
 * and whose values are strings, {@code True}, {@code False}, or tuples of non-negative integers
 * ({@code ()}, {@code (5,)}, {@code (2, 3)}). Strings use single or double quotes and have no escape
 * sequences. Whitespace is allowed between tokens and after the closing brace (the padding), and a
 * trailing comma is allowed before {@code '}'} and {@code ')'}. Keys may come in any order; a
 * repeated key is an error.
 *
 * <p>The parsed values are {@link String}, {@link Boolean} and {@code long[]} (for tuples).
 */
final class HeaderDictParser {

    /** Longest piece of header text quoted in an error message. */
    private static final int MAX_QUOTED_LENGTH = 200;

    private final String text;
    private final String source;
    private int position;

    private HeaderDictParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Parses a header dict.
     *
     * @param text the header text after the length field
     * @param source where the header comes from, for error messages (e.g. "file x.npy")
     * @return the keys and values in the order they appear
     * @throws NpyFormatException if the text is not a dict literal of the supported form
     */
    static Map<String, Object> parse(String text, String source) throws NpyFormatException {
        return new HeaderDictParser(text, source).parseDict();
    }

    private Map<String, Object> parseDict() throws NpyFormatException {
        Map<String, Object> entries = new LinkedHashMap<>();
        skipWhitespace();
        expect('{');
        skipWhitespace();
        while (peek() != '}') {
            String key = parseString();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = parseValue();
            if (entries.containsKey(key)) {
                throw error("duplicate key '" + key + "'");
            }
            entries.put(key, value);
            skipWhitespace();
            if (peek() == ',') {
                position++;
                skipWhitespace();
            } else if (peek() != '}') {
                throw error("expected ',' or '}'");
            }
        }
        expect('}');
        skipWhitespace();
        if (position < text.length()) {
            throw error("unexpected text after the closing '}'");
        }
        return entries;
    }

    private Object parseValue() throws NpyFormatException {
        int next = peek();
        if (next == '\'' || next == '"') {
            return parseString();
        }
        if (next == '(') {
            return parseTuple();
        }
        if (text.startsWith("True", position) && !isNameCharacter(position + 4)) {
            position += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("False", position) && !isNameCharacter(position + 5)) {
            position += 5;
            return Boolean.FALSE;
        }
        throw error("expected a string, a tuple, True or False");
    }

    private String parseString() throws NpyFormatException {
        int quote = peek();
        if (quote != '\'' && quote != '"') {
            throw error("expected a quoted string");
        }
        int start = position + 1;
        int end = start;
        while (end < text.length() && text.charAt(end) != quote) {
            if (text.charAt(end) == '\\') {
                position = end;
                throw error("escape sequences in strings are not supported");
            }
            end++;
        }
        if (end == text.length()) {
            throw error("unterminated string");
        }
        position = end + 1;
        return text.substring(start, end);
    }

    private long[] parseTuple() throws NpyFormatException {
        expect('(');
        skipWhitespace();
        List<Long> values = new ArrayList<>();
        boolean endsWithComma = false;
        while (peek() != ')') {
            values.add(parseNonNegativeInteger());
            skipWhitespace();
            endsWithComma = false;
            if (peek() == ',') {
                position++;
                endsWithComma = true;
                skipWhitespace();
            } else if (peek() != ')') {
                throw error("expected ',' or ')' in a tuple");
            }
        }
        if (values.size() == 1 && !endsWithComma) {
            throw error("a tuple with one element needs a trailing comma, as in (5,)");
        }
        expect(')');
        long[] result = new long[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    private long parseNonNegativeInteger() throws NpyFormatException {
        if (!isDigit(peek())) {
            throw error("expected a non-negative integer");
        }
        long value = 0;
        while (isDigit(peek())) {
            int digit = text.charAt(position) - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw error("integer too large");
            }
            value = value * 10 + digit;
            position++;
        }
        return value;
    }

    private void expect(char expected) throws NpyFormatException {
        if (peek() != expected) {
            throw error("expected '" + expected + "'");
        }
        position++;
    }

    /** Returns the character at the current position, or -1 at the end of the text. */
    private int peek() {
        return position < text.length() ? text.charAt(position) : -1;
    }

    private void skipWhitespace() {
        while (position < text.length() && isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Tells whether the character at index could continue a Python name (so "Truex" is not True). */
    private boolean isNameCharacter(int index) {
        if (index >= text.length()) {
            return false;
        }
        char c = text.charAt(index);
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private NpyFormatException error(String problem) {
        String where = position < text.length() ? "at position " + position : "at the end";
        return new NpyFormatException(source + ": malformed header: " + problem + " " + where
                + " of " + quoteForMessage(text));
    }

    /** Quotes header text for an error message, shortened if long and with the padding trimmed. */
    static String quoteForMessage(String text) {
        String trimmed = text.stripTrailing();
        if (trimmed.length() > MAX_QUOTED_LENGTH) {
            trimmed = trimmed.substring(0, MAX_QUOTED_LENGTH) + "...";
        }
        return "\"" + trimmed + "\"";
    }
}
