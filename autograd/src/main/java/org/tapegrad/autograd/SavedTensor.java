package org.tapegrad.autograd;

/**
 * A tensor a {@link Node} keeps for its backward rule, together with the version of its storage at the
 * time it was saved. If an in-place operation changes the tensor before backward runs, {@link #get()}
 * refuses to hand out the modified values, exactly as PyTorch does.
 */
public final class SavedTensor {
    private final String op;
    private Tensor tensor;
    private final int savedVersion;

    SavedTensor(String op, Tensor tensor) {
        this.op = op;
        this.tensor = tensor;
        this.savedVersion = tensor.storage().version();
    }

    /**
     * The saved tensor.
     *
     * @throws IllegalStateException if its graph was freed by an earlier backward, or if it was modified
     *                               in place after being saved
     */
    public Tensor get() {
        if (tensor == null) {
            throw new IllegalStateException(op + ": trying to backward through the graph a second time (or to "
                    + "access saved tensors after they have already been freed). Saved tensors are freed after "
                    + "backward; pass retainGraph = true to the first backward if you need to call it twice.");
        }
        int now = tensor.storage().version();
        if (now != savedVersion) {
            throw new IllegalStateException(op + ": one of the tensors needed for gradient computation has been "
                    + "modified by an in-place operation: [" + tensor.dtype() + " " + Shapes.format(tensor.shape())
                    + "] is at version " + now + "; expected version " + savedVersion + " instead.");
        }
        return tensor;
    }

    void release() {
        tensor = null;
    }
}
