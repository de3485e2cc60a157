package org.tapegrad.nn;

import java.math.BigDecimal;

/**
 * Formats values the way Python's {@code repr} does, so that module trees and error messages read
 * exactly like PyTorch's: {@code 1e-05}, {@code 0.1}, {@code 100.0}, {@code True}, {@code None}.
 *
 * <p>Python prints the shortest decimal that reads back as the same double, in fixed notation when
 * the decimal exponent lies in [-4, 16) and in scientific notation with a signed, at least two-digit
 * exponent otherwise. This class only has static methods.
 */
public final class PyFormat {
    private PyFormat() {
    }

    /** {@code repr(float(value))}: for example {@code 1e-05}, {@code 0.001}, {@code 2.0}, {@code -0.1}, {@code nan}. */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0.0) {
            return (1.0 / value < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives a decimal that reads back as the same double; strip it to its digits.
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int exponent = digits.length() - 1 - decimal.scale(); // decimal exponent of the first digit
        String sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String exp = String.format("%02d", Math.abs(exponent));
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
        }
        String plain = decimal.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** {@code repr(value)} of a Python float that may be None. */
    public static String repr(Double value) {
        return value == null ? "None" : repr(value.doubleValue());
    }

    /** {@code True} or {@code False}. */
    public static String repr(boolean value) {
        return value ? "True" : "False";
    }
}
