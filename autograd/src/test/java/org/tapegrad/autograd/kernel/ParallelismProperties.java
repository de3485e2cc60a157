package org.tapegrad.autograd.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@link Parallelism#parallelFor} partitions any range exactly, for any chunk size and thread count. */
class ParallelismProperties {

    @Property(tries = 300)
    void everyIndexIsVisitedExactlyOnce(@ForAll @IntRange(min = -1000, max = 1000) int start,
            @ForAll @IntRange(min = 0, max = 5000) int length, @ForAll @IntRange(min = 1, max = 600) int minChunk,
            @ForAll @IntRange(min = 1, max = 4) int threads) {
        int previous = Parallelism.threads();
        Parallelism.setThreads(threads);
        try {
            AtomicIntegerArray visits = new AtomicIntegerArray(length);
            List<int[]> chunks = new CopyOnWriteArrayList<>();
            Parallelism.parallelFor(start, start + length, minChunk, (from, to) -> {
                chunks.add(new int[] {from, to});
                for (int i = from; i < to; i++) {
                    visits.incrementAndGet(i - start);
                }
            });
            for (int i = 0; i < length; i++) {
                assertEquals(1, visits.get(i), "index " + (start + i));
            }
            assertTrue(chunks.size() <= threads * Parallelism.CHUNKS_PER_THREAD, "too many chunks");
            if (chunks.size() > 1) {
                int smallest = Integer.MAX_VALUE;
                int largest = 0;
                for (int[] chunk : chunks) {
                    smallest = Math.min(smallest, chunk[1] - chunk[0]);
                    largest = Math.max(largest, chunk[1] - chunk[0]);
                }
                assertTrue(smallest >= minChunk, "chunk smaller than minChunk");
                assertTrue(largest - smallest <= 1, "chunks of unequal size");
            } else {
                assertEquals(length == 0 ? 0 : 1, chunks.size());
            }
        } finally {
            Parallelism.setThreads(previous);
        }
    }
}
