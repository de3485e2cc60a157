package org.tapegrad.autograd;

/**
 * The memory behind one or more tensors: the element array and the version counter that every view of
 * it shares. In-place operations bump the version; a node that saved a tensor for backward compares the
 * version it saw with the current one (see {@link SavedTensor}).
 */
final class Storage {
    final double[] data;
    private int version;

    Storage(double[] data) {
        this.data = data;
    }

    int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }
}
