package org.tapegrad.examples.report;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal JSON writer for the {@code --json} summaries. Values may be {@link Map}s (written in
 * iteration order; use {@link #object()}), {@link Collection}s, {@code double[]}, {@code int[]},
 * {@link Number}s, {@link Boolean}s, {@link CharSequence}s, enums (their {@code toString()}) and null.
 * JSON has no NaN or infinity: non-finite numbers are written as {@code null}.
 */
public final class Json {
    private Json() {
    }

    /** An insertion-ordered map to fill with members. */
    public static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    /** The JSON text of {@code value}, pretty-printed with two-space indentation. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map, indent);
        } else if (value instanceof Collection<?> list) {
            writeArray(out, list.toArray(), indent);
        } else if (value instanceof double[] numbers) {
            out.append('[');
            for (int i = 0; i < numbers.length; i++) {
                out.append(i == 0 ? "" : ", ");
                writeNumber(out, numbers[i]);
            }
            out.append(']');
        } else if (value instanceof int[] numbers) {
            out.append('[');
            for (int i = 0; i < numbers.length; i++) {
                out.append(i == 0 ? "" : ", ").append(numbers[i]);
            }
            out.append(']');
        } else if (value instanceof Double || value instanceof Float) {
            writeNumber(out, ((Number) value).doubleValue());
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            writeString(out, value.toString());
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            pad(out, indent + 1);
            writeString(out, String.valueOf(e.getKey()));
            out.append(": ");
            write(out, e.getValue(), indent + 1);
            out.append(++i < map.size() ? ",\n" : "\n");
        }
        pad(out, indent);
        out.append('}');
    }

    private static void writeArray(StringBuilder out, Object[] items, int indent) {
        if (items.length == 0) {
            out.append("[]");
            return;
        }
        out.append("[\n");
        for (int i = 0; i < items.length; i++) {
            pad(out, indent + 1);
            write(out, items[i], indent + 1);
            out.append(i + 1 < items.length ? ",\n" : "\n");
        }
        pad(out, indent);
        out.append(']');
    }

    private static void writeNumber(StringBuilder out, double v) {
        if (!Double.isFinite(v)) {
            out.append("null");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            out.append(v);
        }
    }

    private static void writeString(StringBuilder out, String s) {
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
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void pad(StringBuilder out, int indent) {
        out.append("  ".repeat(indent));
    }
}
