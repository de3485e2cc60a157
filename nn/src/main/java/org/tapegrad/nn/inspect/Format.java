package org.tapegrad.nn.inspect;

import java.util.Locale;

/** Numbers as the report prints them: short, and readable whether they are 0.5, 3e-80 or NaN. */
final class Format {
    private Format() {
    }

    /**
     * {@code 0}, {@code NaN}, {@code Inf}, {@code -Inf}; four significant digits between 1e-3 and 1e4
     * ({@code 0.1601}, {@code 26.05}, {@code 5}); otherwise three in scientific notation ({@code 3.21e-80},
     * {@code 1e+06}). Trailing zeros are dropped.
     */
    static String number(double x) {
        if (x == 0.0) {
            return "0";
        }
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Inf" : "-Inf";
        }
        double a = Math.abs(x);
        if (a >= 1e-3 && a < 1e4) {
            return stripZeros(String.format(Locale.ROOT, "%.4g", x));
        }
        String s = String.format(Locale.ROOT, "%.2e", x);
        int e = s.indexOf('e');
        return stripZeros(s.substring(0, e)) + s.substring(e);
    }

    /** {@code 10.00 → 10}, {@code 0.1600 → 0.16}. */
    private static String stripZeros(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** A fraction as a percentage with one decimal: {@code 62.5%}. */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
