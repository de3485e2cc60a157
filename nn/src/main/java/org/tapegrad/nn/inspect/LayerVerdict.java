package org.tapegrad.nn.inspect;

import java.util.Comparator;
import java.util.List;

/**
 * The inspector's conclusion about one layer: every finding, most serious first (see {@link Verdict} for the
 * order). A layer with no problem has the single finding {@link Verdict#HEALTHY}. This class is immutable.
 *
 * @param layer    the layer's dotted module name
 * @param findings at least one; sorted by precedence on construction
 */
public record LayerVerdict(String layer, List<Finding> findings) {
    public LayerVerdict {
        if (findings.isEmpty()) {
            throw new IllegalArgumentException("LayerVerdict: " + layer + " needs at least one finding");
        }
        findings = findings.stream().sorted(Comparator.comparing(Finding::verdict)).toList();
    }

    /** The most serious finding's verdict. */
    public Verdict verdict() {
        return findings.get(0).verdict();
    }

    /** The most serious finding's reason. */
    public String reason() {
        return findings.get(0).reason();
    }

    /** Whether any finding, not only the first, is {@code verdict}. */
    public boolean has(Verdict verdict) {
        return findings.stream().anyMatch(f -> f.verdict() == verdict);
    }
}
