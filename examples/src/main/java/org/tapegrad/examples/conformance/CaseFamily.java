package org.tapegrad.examples.conformance;

/**
 * A kind of reference case, recognised by the prefix of the case name, and how to check it: compute
 * what the case describes with tapegrad and compare every expected array.
 */
public interface CaseFamily {
    /** A short identifier, such as {@code conv2d} or {@code unary}. */
    String id();

    /** Whether this family handles the case of that name. */
    boolean handles(String caseName);

    /** The tolerance for the case's comparisons unless a check says otherwise. */
    default Tolerance tolerance(ReferenceCase c) {
        return Tolerance.FLOAT64;
    }

    /** Computes the case and records every comparison in {@code report}. */
    void check(ReferenceCase c, CaseReport report) throws Exception;

    /** A family recognised by an exact name or a {@code prefix_} pattern. */
    static boolean matches(String caseName, String prefix) {
        return caseName.equals(prefix) || caseName.startsWith(prefix + "_");
    }
}
