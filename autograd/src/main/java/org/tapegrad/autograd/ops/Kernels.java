package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Tensor;

/** Small helpers shared by the kernels. */
public final class Kernels {
    private Kernels() {
    }

    /**
     * The elements of {@code t} in row-major order, in an array of exactly {@code t.numel()} elements:
     * the storage array itself when it already is that (no copy), otherwise a fresh copy. Callers must
     * treat the result as read-only.
     */
    public static double[] rowMajor(Tensor t) {
        double[] data = t.storageArray();
        if (t.isContiguous() && t.storageOffset() == 0 && data.length == t.numel()) {
            return data;
        }
        return t.toDoubleArray();
    }
}
