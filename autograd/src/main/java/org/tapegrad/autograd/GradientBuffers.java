package org.tapegrad.autograd;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Each thread's arrays of gradients that backward rules have finished with ({@link Node#recycle}), for
 * later rules to fill ({@link Node#uninitializedGradientBuffer}) instead of allocating: a training step
 * makes the same large input gradients every time (the benchmark CNN: 6.4 and 3.2 MB), and the JVM zeroes
 * every new array on the allocating thread, about 0.3 ms per 6.4 MB while the other threads wait.
 *
 * <p>Only arrays of at least {@link #MIN_VALUES} values are kept, at most {@link #MAX_KEPT} of them per
 * thread, the newest first; they are held through soft references, so that the garbage collector takes
 * them back before the heap runs out. An array handed out has whatever values its last user left in it.
 */
final class GradientBuffers {
    /** Smallest array worth keeping: 2¹⁵ values (256 KB), below which allocation costs little. */
    static final int MIN_VALUES = 1 << 15;
    /** Most arrays kept per thread. */
    static final int MAX_KEPT = 8;

    private static final ThreadLocal<ArrayDeque<SoftReference<double[]>>> KEPT =
            ThreadLocal.withInitial(ArrayDeque::new);

    private GradientBuffers() {
    }

    /** A kept array of exactly {@code size} values, removed from the pool, or a new (zeroed) one. */
    static double[] take(int size) {
        if (size >= MIN_VALUES) {
            for (Iterator<SoftReference<double[]>> it = KEPT.get().iterator(); it.hasNext();) {
                double[] array = it.next().get();
                if (array == null) {
                    it.remove();
                } else if (array.length == size) {
                    it.remove();
                    return array;
                }
            }
        }
        return new double[size];
    }

    /** Keeps {@code array} for a later {@link #take}; the caller must not use it any more. */
    static void give(double[] array) {
        if (array.length < MIN_VALUES) {
            return;
        }
        ArrayDeque<SoftReference<double[]>> kept = KEPT.get();
        kept.addFirst(new SoftReference<>(array));
        while (kept.size() > MAX_KEPT) {
            kept.removeLast();
        }
    }
}
