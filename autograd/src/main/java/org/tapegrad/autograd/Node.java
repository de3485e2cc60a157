package org.tapegrad.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One entry of the tape: the record an operation leaves behind so that its gradient can be computed
 * later. A node knows its inputs, the tensors it saved, and its backward rule, which maps the gradient
 * of the operation's output to the gradients of its inputs (the vector–Jacobian product).
 *
 * <p>An operation creates its node right after computing its output and attaches it with
 * {@link Autograd#record(Tensor, Node)}:
 *
 * <pre>{@code
 * Tensor out = ...;                        // forward
 * if (Autograd.needsGrad(x)) {
 *     Autograd.record(out, new Node("exp", x) {
 *         final SavedTensor y = save(out);
 *         protected Tensor[] backward(Tensor g) {
 *             return new Tensor[] {g.mul(y.get())};   // d exp(x)/dx = exp(x)
 *         }
 *     });
 * }
 * }</pre>
 *
 * <p>Backward rules run with recording switched off, so they may use ordinary tensor operations.
 */
public abstract class Node {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String name;
    private final Tensor[] inputs;
    private final long sequenceNumber;
    private final List<SavedTensor> saved = new ArrayList<>(2);
    private int[] outputShape = new int[0];
    private DType outputType = DType.defaultType();
    private boolean released;
    private int savedCount;
    /** The gradient {@link #backward} is running with when the engine owns it (else null). */
    private Tensor ownedGradient;
    /** The owned gradient's storage and arrays, once {@link #recycle} has been called during the current backward. */
    private Storage recycledStorage;
    private double[] recycled;
    private float[] recycledFloats;

    /**
     * @param name   the operation's name, as shown in tape listings ({@code "mul"}, {@code "conv2d"})
     * @param inputs the operation's tensor inputs, in the order {@link #backward} returns their gradients
     */
    protected Node(String name, Tensor... inputs) {
        this.name = name;
        this.inputs = inputs.clone();
        this.sequenceNumber = SEQUENCE.getAndIncrement();
    }

    /**
     * Computes the gradients of the inputs from the gradient of the output.
     *
     * @param gradOutput gradient of the loss with respect to this node's output, same shape as the output
     * @return one entry per input, in constructor order: the gradient of that input (same shape as the
     *         input), or {@code null} where the input does not require grad
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /** Keeps {@code tensor} for backward and remembers its version, to detect later in-place changes. */
    protected final SavedTensor save(Tensor tensor) {
        SavedTensor s = new SavedTensor(name, tensor);
        saved.add(s);
        savedCount++;
        return s;
    }

    /**
     * An array for an input gradient computed element by element from {@code gradOutput}, in
     * {@code gradOutput}'s row-major order: {@code gradOutput}'s own storage when the engine owns it (it
     * was made during this backward pass and nothing else refers to it: no hook, no retained gradient,
     * no other input), so that the rule overwrites it in place instead of allocating (and the JVM
     * zeroing) an array per operation; otherwise a new array of {@code gradOutput.numel()} values.
     * The rule must read each element of {@code gradOutput} before writing the same element.
     */
    protected final double[] elementwiseGradientBuffer(Tensor gradOutput) {
        if (isOwnedAndWhole(gradOutput)) {
            gradOutput.storage().bumpVersion(); // about to be overwritten in place
            return gradOutput.storageArray();
        }
        return new double[gradOutput.numel()];
    }

    /**
     * {@link #elementwiseGradientBuffer} for a float32 rule that computes in floats: {@code gradOutput}'s
     * own float array when the engine owns it (its double copy, if any, is dropped), otherwise a new
     * array of {@code gradOutput.numel()} floats. The rule must read each element of
     * {@code gradOutput.storageFloats()} before writing the same element, and return the result with
     * {@link Tensor#wrapFloats}.
     */
    protected final float[] elementwiseFloatGradientBuffer(Tensor gradOutput) {
        if (isOwnedAndWhole(gradOutput) && gradOutput.dtype() == DType.FLOAT32) {
            return gradOutput.storage().overwriteFloats();
        }
        return new float[gradOutput.numel()];
    }

    private boolean isOwnedAndWhole(Tensor gradOutput) {
        return gradOutput == ownedGradient && gradOutput.isContiguous() && gradOutput.storageOffset() == 0
                && gradOutput.storage().length() == gradOutput.numel();
    }

    /**
     * An array of {@code size} values for an input gradient that the rule overwrites entirely: one that an
     * earlier rule of this thread finished with ({@link #recycle}), or a new one. Its values are arbitrary
     * (zeros only if new), so the rule must write every element before returning it.
     */
    protected final double[] uninitializedGradientBuffer(int size) {
        return GradientBuffers.take(size);
    }

    /**
     * {@link #uninitializedGradientBuffer} in floats, for a float32 input gradient that the rule writes as
     * floats ({@link Tensor#wrapFloats}) and overwrites entirely.
     */
    protected final float[] uninitializedFloatGradientBuffer(int size) {
        return GradientBuffers.takeFloats(size);
    }

    /**
     * Declares that this rule has finished reading {@code gradOutput} and returns no gradient over its
     * memory: if the engine owns it (as for {@link #elementwiseGradientBuffer}), its arrays (of doubles, of
     * floats, or both) go to later rules' {@link #uninitializedGradientBuffer} and
     * {@link #uninitializedFloatGradientBuffer} once this backward returns. Otherwise nothing happens.
     *
     * @throws IllegalStateException (from the engine, after backward) if a returned gradient shares an array
     */
    protected final void recycle(Tensor gradOutput) {
        if (isOwnedAndWhole(gradOutput)) {
            Storage storage = gradOutput.storage();
            recycledStorage = storage;
            recycled = storage.doublesIfMade();
            recycledFloats = storage.floatsIfMade();
            storage.markRecycled(); // its values are about to change
        }
    }

    /** Whether input {@code i} takes part in differentiation, so its gradient is worth computing. */
    protected final boolean needsInputGrad(int i) {
        return inputs[i] != null && inputs[i].requiresGrad();
    }

    /** The operation's name. */
    public final String name() {
        return name;
    }

    /** The operation's inputs (unmodifiable view; entries may be null for optional inputs). */
    public final List<Tensor> inputs() {
        return java.util.Collections.unmodifiableList(Arrays.asList(inputs));
    }

    /** Shape of the output this node produced. */
    public final int[] outputShape() {
        return outputShape.clone();
    }

    /** Position of this node in the global order of recorded operations (forward execution order). */
    public final long sequenceNumber() {
        return sequenceNumber;
    }

    /** Whether backward already freed this node's saved tensors. */
    public final boolean isReleased() {
        return released;
    }

    final Tensor input(int i) {
        return inputs[i];
    }

    final int inputCount() {
        return inputs.length;
    }

    final void bindOutput(Tensor output) {
        this.outputShape = output.shape();
        this.outputType = output.dtype();
    }

    final DType outputType() {
        return outputType;
    }

    /**
     * Runs {@link #backward}. {@code owned} says that the engine holds the only reference to
     * {@code gradOutput} and drops it afterwards, so the rule may reuse its storage.
     */
    final Tensor[] apply(Tensor gradOutput, boolean owned) {
        if (released && savedCount > 0) {
            throw new IllegalStateException(name + ": trying to backward through the graph a second time (or to "
                    + "access saved tensors after they have already been freed). Saved tensors are freed after "
                    + "backward; pass retainGraph = true to the first backward if you need to call it twice.");
        }
        Tensor[] grads;
        ownedGradient = owned ? gradOutput : null;
        recycledStorage = null;
        recycled = null;
        recycledFloats = null;
        try {
            grads = backward(gradOutput);
        } finally {
            ownedGradient = null;
        }
        if (grads.length != inputs.length) {
            throw new IllegalStateException(name + ": backward returned " + grads.length + " gradients for "
                    + inputs.length + " inputs");
        }
        if (recycledStorage != null) {
            Storage storage = recycledStorage;
            double[] array = recycled;
            float[] floats = recycledFloats;
            recycledStorage = null;
            recycled = null;
            recycledFloats = null;
            for (Tensor g : grads) {
                // the recycled storage itself (it now holds nothing), or another over one of its arrays
                if (g != null && (g.storage() == storage || (array != null && g.storage().doublesIfMade() == array)
                        || (floats != null && g.storage().floatsIfMade() == floats))) {
                    throw new IllegalStateException(name + ": backward recycled the output gradient but returned "
                            + "a gradient over its memory");
                }
            }
            if (array != null) {
                GradientBuffers.give(array);
            }
            if (floats != null) {
                GradientBuffers.give(floats);
            }
        }
        return grads;
    }

    final void release() {
        released = true;
        for (SavedTensor s : saved) {
            s.release();
        }
        saved.clear();
    }

    @Override
    public String toString() {
        return name + Shapes.format(outputShape);
    }
}
