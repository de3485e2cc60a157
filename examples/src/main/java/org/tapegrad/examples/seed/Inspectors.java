package org.tapegrad.examples.seed;

import java.util.List;

/**
 * The inspectors the full run attaches to every variant of the {@code conv} experiment. This is the place
 * to add one (a gradient-flow inspector, say): its verdicts then appear in the report per variant. There
 * are none yet.
 */
public final class Inspectors {
    private Inspectors() {
    }

    /** The inspectors of the default run. */
    public static List<VariantInspector> defaults() {
        return List.of();
    }
}
