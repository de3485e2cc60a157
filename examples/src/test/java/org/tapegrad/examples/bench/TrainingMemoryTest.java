package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A long training loop keeps the heap flat: every step's tape (nodes, saved activations, gradients) is
 * released once the step is over. Two independent checks on a small version of the benchmark's CNN,
 * 10,000 steps: weak references to sampled steps' losses, which hold their whole graph, are all cleared
 * by a GC; and the heap used after a GC does not grow between step 1,000 and step 10,000.
 */
class TrainingMemoryTest {
    private static final int STEPS = 10_000;
    private static final int SAMPLE_EVERY = 500;
    /**
     * Allowed growth of the used heap from step 1,000 to the end. Keeping every step's loss (and so its
     * graph) alive grows it by about 80 MB over these 9,000 steps (measured); GC noise is a few MB.
     */
    private static final long ALLOWED_GROWTH_BYTES = 16L << 20;

    @Test
    void tenThousandTrainingStepsReleaseEveryTape() {
        SmallCnn cnn = new SmallCnn(2, 6, 2, 4, 3, 7);
        List<WeakReference<Object>> losses = new ArrayList<>();
        long heapAfterWarmup = 0;
        for (int step = 1; step <= STEPS; step++) {
            SmallCnn.Step s = cnn.trainingStep();
            if (step % SAMPLE_EVERY == 0) {
                losses.add(new WeakReference<>(s.loss()));
            }
            if (step == 1_000) {
                heapAfterWarmup = usedHeapAfterGc();
            }
            assertTrue(Double.isFinite(s.value()), "loss at step " + step);
        }
        long heapAtEnd = usedHeapAfterGc();
        int alive = 0;
        for (WeakReference<Object> ref : losses) {
            alive += ref.get() == null ? 0 : 1;
        }
        assertEquals(0, alive, "losses (with their graphs) still reachable after " + STEPS + " steps");
        assertTrue(heapAtEnd - heapAfterWarmup < ALLOWED_GROWTH_BYTES,
                "used heap grew from " + heapAfterWarmup + " to " + heapAtEnd + " bytes");
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
