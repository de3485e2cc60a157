package org.tapegrad.autograd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory behind one or more tensors: the element array and the version counter that every view of
 * it shares. In-place operations bump the version; a node that saved a tensor for backward compares the
 * version it saw with the current one (see {@link SavedTensor}).
 *
 * <p>The elements are kept as {@code double}s, as {@code float}s (float32 only), or both:
 * <ul>
 *   <li>A storage made from doubles ({@link #Storage(double[])}) keeps them; its float copy
 *       ({@link #floats}) is made on demand for single-precision kernels and kept until the next in-place
 *       change.</li>
 *   <li>A storage made from floats ({@link #ofFloats}), the output of a float32 kernel, keeps only them
 *       until a double kernel asks for {@link #doubles}: half the bytes to write, zero and stream, and no
 *       rounding pass. The double copy, once made, is kept; the values are floats, so it is exact.</li>
 * </ul>
 * Invariant: while {@link #data} is non-null it holds the current values; while it is null,
 * {@link #floats} does, except after {@link #markRecycled}, when the storage holds nothing. An in-place
 * change through the double array ({@link #bumpVersion}) makes the float copy stale; one through the
 * float array ({@link #overwriteFloats}) drops the double copy.
 * Like the rest of a tensor's state, the copies are made without locking: a kernel asks for its
 * operands' arrays on the calling thread, before it splits its work across threads.
 */
final class Storage {
    private static final AtomicLong CREATED = new AtomicLong();

    /** The values as doubles; null while only {@link #floats} holds them. */
    private double[] data;
    /** The values as floats, current when {@link #floatsVersion} is the version; null until made. */
    private float[] floats;
    private int floatsVersion;
    private final int length;
    /** Position in the order in which storages were created (see {@link #createdAfter}). */
    private final long serial = CREATED.incrementAndGet();
    /** How many {@link Tensor} objects have been made over this storage (the tensor and its views). */
    private int tensors;
    private int version;

    Storage(double[] data) {
        this.data = data;
        this.length = data.length;
    }

    private Storage(float[] floats) {
        this.floats = floats;
        this.length = floats.length;
    }

    /** A storage holding {@code floats} only (a float32 tensor's values), owned from now on. */
    static Storage ofFloats(float[] floats) {
        return new Storage(floats);
    }

    /** The serial of the latest storage created so far. */
    static long latestSerial() {
        return CREATED.get();
    }

    /** Whether this storage was created after the one with serial {@code serial}. */
    boolean createdAfter(long serial) {
        return this.serial > serial;
    }

    /** Counts one more tensor object over this storage. */
    void addTensor() {
        tensors++;
    }

    /** How many tensor objects were ever made over this storage: the first, its views and detached copies. */
    int tensorCount() {
        return tensors;
    }

    int version() {
        return version;
    }

    /** The number of elements. */
    int length() {
        return length;
    }

    /**
     * Records an in-place change made through {@link #doubles()}: the float copy is stale from now on.
     * The double array is made first if it does not exist yet, so that it holds the values to change.
     */
    void bumpVersion() {
        doubles();
        version++;
    }

    /** Element {@code i}, from whichever array holds the current values (nothing is made). */
    double get(int i) {
        return data != null ? data[i] : floats[i];
    }

    /** The double array if it has been made, else null (nothing is made). */
    double[] doublesIfMade() {
        return data;
    }

    /** The float array if it has been made, else null (nothing is made); its values may be stale. */
    float[] floatsIfMade() {
        return floats;
    }

    /**
     * Records that the arrays are handed to later gradients ({@code Node#recycle}), whose values will
     * overwrite them: a new version, with nothing made or copied, so that a tensor saved over this storage
     * reports the change if it is ever used, and the storage lets go of both arrays, so that nothing can
     * read or refresh them through it (the engine drops such a storage; using it again fails).
     */
    void markRecycled() {
        version++;
        data = null;
        floats = null;
    }

    /** Whether the current values are held as floats, so that {@link #floats} costs nothing. */
    boolean hasFloats() {
        return floats != null && (data == null || floatsVersion == version);
    }

    /**
     * The elements as doubles: the array itself, made from the floats (exactly) on the first call of a
     * storage made from floats, and kept.
     */
    double[] doubles() {
        if (data == null) {
            double[] d = new double[length];
            for (int i = 0; i < length; i++) {
                d[i] = floats[i];
            }
            data = d;
            floatsVersion = version;
        }
        return data;
    }

    /**
     * The elements as {@code float}s, {@code floats[i] == (float) doubles()[i]}: the array itself for a
     * storage made from floats; otherwise made on the first call and again after each in-place change (a
     * new version), else the same array; a refresh overwrites it. Only meaningful for a float32 storage,
     * whose values are floats, so the copy is exact. Callers must not modify it.
     */
    float[] floats() {
        if (!hasFloats()) {
            float[] copy = floats != null ? floats : new float[length]; // refreshed in place
            for (int i = 0; i < length; i++) {
                copy[i] = (float) data[i];
            }
            floats = copy;
            floatsVersion = version;
        }
        return floats;
    }

    /**
     * The float array, for an in-place change that reads each element before writing it: the values are
     * current when returned, the double copy is dropped, and the version is bumped.
     */
    float[] overwriteFloats() {
        float[] f = floats();
        data = null;
        version++;
        floatsVersion = version;
        return f;
    }
}
