package org.tapegrad.autograd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory behind one or more tensors: the element array and the version counter that every view of
 * it shares. In-place operations bump the version; a node that saved a tensor for backward compares the
 * version it saw with the current one (see {@link SavedTensor}).
 */
final class Storage {
    private static final AtomicLong CREATED = new AtomicLong();

    final double[] data;
    /** Position in the order in which storages were created (see {@link #createdAfter}). */
    private final long serial = CREATED.incrementAndGet();
    /** How many {@link Tensor} objects have been made over this storage (the tensor and its views). */
    private int tensors;
    private int version;

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

    /** Whether only one tensor object was ever made over this storage (no view, no detached copy). */
    boolean hasOneTensor() {
        return tensors == 1;
    }

    int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }
}
