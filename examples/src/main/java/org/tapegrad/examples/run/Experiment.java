package org.tapegrad.examples.run;

/**
 * One experiment of the examples jar (depth, mlp, conv, formulas, …): it computes its numbers and
 * returns them as an {@link Outcome}, which knows how to print and chart them.
 */
public interface Experiment {
    /** The short name, as on the command line ({@code depth}). */
    String name();

    /**
     * Runs the experiment.
     *
     * @param progress where to report progress on long runs (stderr in the jar)
     */
    Outcome run(Progress progress);
}
