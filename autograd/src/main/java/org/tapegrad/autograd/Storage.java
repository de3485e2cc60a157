package org.tapegrad.autograd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory behind one or more tensors: the element array and the version counter that every view of
 * it shares. In-place operations bump the version; a node that saved a tensor for backward compares the
 * version it saw with the current one (see {@link SavedTensor}).
 *
 * <p>A float32 storage can also keep its values as {@code float}s ({@link #floats}), made on demand
 * for the matrix products and kept until the next in-place change: half the bytes to stream, and no
 * conversion while packing single-precision panels.
 */
final class Storage {
    private static final AtomicLong CREATED = new AtomicLong();

    final double[] data;
    /** Position in the order in which storages were created (see {@link #createdAfter}). */
    private final long serial = CREATED.incrementAndGet();
    /** How many {@link Tensor} objects have been made over this storage (the tensor and its views). */
    private int tensors;
    private int version;
    /** {@link #data} as floats, as of version {@link #floatsVersion}; null until asked for. */
    private float[] floats;
    private int floatsVersion;

    Storage(double[] data) {
        this.data = data;
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

    void bumpVersion() {
        version++;
    }

    /**
     * The elements as {@code float}s, {@code floats[i] == (float) data[i]}: made on the first call and
     * again after each in-place change (a new version), otherwise the same array; a refresh overwrites
     * it. Only meaningful for a float32 storage, whose values are floats, so the copy is exact. Callers
     * must not modify it.
     */
    float[] floats() {
        if (floats == null || floatsVersion != version) {
            float[] copy = floats != null ? floats : new float[data.length]; // refreshed in place
            for (int i = 0; i < data.length; i++) {
                copy[i] = (float) data[i];
            }
            floats = copy;
            floatsVersion = version;
        }
        return floats;
    }
}
