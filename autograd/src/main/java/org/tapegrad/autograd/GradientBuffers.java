package org.tapegrad.autograd;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Each thread's arrays of gradients that backward rules have finished with ({@link Node#recycle}), for
 * later rules to fill ({@link Node#uninitializedGradientBuffer}, {@link Node#uninitializedFloatGradientBuffer})
 * instead of allocating: a training step makes the same large input gradients every time (the benchmark
 * CNN: 3.2 and 1.6 MB of floats), and the JVM zeroes every new array on the allocating thread, about
 * 0.3 ms per 6.4 MB while the other threads wait.
 *
 * <p>Arrays of doubles and of floats are kept apart. Only arrays of at least {@link #MIN_VALUES} values
 * are kept, at most {@link #MAX_KEPT} of each kind per thread, the newest first; they are held through
 * soft references, so that the garbage collector takes them back before the heap runs out. An array
 * handed out has whatever values its last user left in it.
 */
final class GradientBuffers {
    /** Smallest array worth keeping: 2¹⁵ values (256 KB of doubles), below which allocation costs little. */
    static final int MIN_VALUES = 1 << 15;
    /** Most arrays of each kind kept per thread. */
    static final int MAX_KEPT = 8;

    private static final Pool<double[]> DOUBLES = new Pool<>(a -> a.length, double[]::new);
    private static final Pool<float[]> FLOATS = new Pool<>(a -> a.length, float[]::new);

    private GradientBuffers() {
    }

    /** A kept array of exactly {@code size} doubles, removed from the pool, or a new (zeroed) one. */
    static double[] take(int size) {
        return DOUBLES.take(size);
    }

    /** A kept array of exactly {@code size} floats, removed from the pool, or a new (zeroed) one. */
    static float[] takeFloats(int size) {
        return FLOATS.take(size);
    }

    /** Keeps {@code array} for a later {@link #take}; the caller must not use it any more. */
    static void give(double[] array) {
        DOUBLES.give(array);
    }

    /** Keeps {@code array} for a later {@link #takeFloats}; the caller must not use it any more. */
    static void give(float[] array) {
        FLOATS.give(array);
    }

    /** One kind of array: each thread's kept arrays, the newest first. */
    private static final class Pool<A> {
        private final ThreadLocal<ArrayDeque<SoftReference<A>>> kept = ThreadLocal.withInitial(ArrayDeque::new);
        private final ToIntFunction<A> length;
        private final IntFunction<A> create;

        Pool(ToIntFunction<A> length, IntFunction<A> create) {
            this.length = length;
            this.create = create;
        }

        A take(int size) {
            if (size >= MIN_VALUES) {
                for (Iterator<SoftReference<A>> it = kept.get().iterator(); it.hasNext();) {
                    A array = it.next().get();
                    if (array == null) {
                        it.remove();
                    } else if (length.applyAsInt(array) == size) {
                        it.remove();
                        return array;
                    }
                }
            }
            return create.apply(size);
        }

        void give(A array) {
            if (length.applyAsInt(array) < MIN_VALUES) {
                return;
            }
            ArrayDeque<SoftReference<A>> arrays = kept.get();
            arrays.addFirst(new SoftReference<>(array));
            while (arrays.size() > MAX_KEPT) {
                arrays.removeLast();
            }
        }
    }
}
