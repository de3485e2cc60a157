package org.tapegrad.examples.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tapegrad.autograd.Tensor;

/**
 * Collects the comparisons of one case: each computed tensor against the expected array of the same
 * name. Records the worst error (as a multiple of the allowed error: ≤ 1 passes) and every mismatch.
 */
public final class CaseReport {
    private final ReferenceCase referenceCase;
    private final Tolerance defaultTolerance;
    private final List<String> failures = new ArrayList<>();
    private double worstRatio;
    private double worstAbsolute;
    private int comparisons;

    public CaseReport(ReferenceCase referenceCase, Tolerance defaultTolerance) {
        this.referenceCase = referenceCase;
        this.defaultTolerance = defaultTolerance;
    }

    /** Compares {@code actual} with the expected array {@code key} under the case's tolerance. */
    public void check(String key, Tensor actual) {
        check(key, actual, defaultTolerance);
    }

    /** Compares {@code actual} with the expected array {@code key} under {@code tolerance} (null: the case's). */
    public void check(String key, Tensor actual, Tolerance tolerance) {
        if (tolerance == null) {
            tolerance = defaultTolerance;
        }
        comparisons++;
        if (actual == null) {
            failures.add(key + ": no value was computed");
            return;
        }
        int[] expectedShape = referenceCase.array(key).shape();
        if (!Arrays.equals(expectedShape, actual.shape())) {
            failures.add(key + ": shape " + Arrays.toString(actual.shape()) + " but expected "
                    + Arrays.toString(expectedShape));
            return;
        }
        double[] expected = referenceCase.array(key).toDoubleArray();
        double[] got = actual.toDoubleArray();
        int firstBad = -1;
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance.atol() + tolerance.rtol() * Math.abs(expected[i]);
            double diff = Math.abs(got[i] - expected[i]);
            if (Double.isFinite(diff)) {
                worstAbsolute = Math.max(worstAbsolute, diff);
                worstRatio = Math.max(worstRatio, allowed > 0 ? diff / allowed : (diff > 0 ? Double.POSITIVE_INFINITY : 0));
            }
            if (!tolerance.accepts(expected[i], got[i]) && firstBad < 0) {
                firstBad = i;
            }
        }
        if (firstBad >= 0) {
            failures.add(key + "[" + firstBad + "]: got " + got[firstBad] + ", expected " + expected[firstBad]
                    + " (rtol " + tolerance.rtol() + ", atol " + tolerance.atol() + ")");
        }
    }

    /** Records a failure that is not a value comparison (an exception, a missing family). */
    public void fail(String message) {
        failures.add(message);
    }

    public boolean passed() {
        return failures.isEmpty() && comparisons > 0;
    }

    public List<String> failures() {
        List<String> out = new ArrayList<>(failures);
        if (comparisons == 0 && failures.isEmpty()) {
            out.add("no array was compared");
        }
        return out;
    }

    /** The largest error seen, as a multiple of the allowed error. */
    public double worstRatio() {
        return worstRatio;
    }

    /** The largest absolute difference seen. */
    public double worstAbsolute() {
        return worstAbsolute;
    }

    public int comparisons() {
        return comparisons;
    }
}
