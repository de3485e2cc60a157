package org.tapegrad.examples.bench;

import org.tapegrad.autograd.Tensor;

/** Keeps each run's result reachable, so that the JIT cannot drop the work as unused. */
final class Sink {
    private static volatile Tensor last;

    private Sink() {
    }

    static void consume(Tensor result) {
        last = result;
    }

    /** The result of the last run (for tests). */
    static Tensor last() {
        return last;
    }
}
