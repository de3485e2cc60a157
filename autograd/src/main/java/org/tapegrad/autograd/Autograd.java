package org.tapegrad.autograd;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The reverse pass: walks the tape backwards from a result and delivers gradients to every tensor that
 * requires them.
 *
 * <p>The algorithm, in three steps:
 * <ol>
 *   <li>Discover the graph iteratively (an explicit stack, no recursion, so chains of any length work)
 *       and count, for every tensor, how many recorded uses of it feed into the result.</li>
 *   <li>Process tensors in Kahn's topological order: a tensor is ready once every one of its consumers has
 *       contributed its share of the gradient, and the shares are summed (a tensor used twice, as in
 *       {@code x * x}, receives the sum of both contributions). Each node therefore runs exactly once.</li>
 *   <li>For a ready tensor: run its gradient hooks; if it is a leaf, accumulate into {@code .grad}; if it
 *       retains its gradient, keep a copy; otherwise hand the gradient to its node's backward rule and
 *       pass the results on to the node's inputs.</li>
 * </ol>
 * Backward rules run with recording off. Unless {@code retainGraph} is set, each node frees its saved
 * tensors as soon as it has run.
 *
 * <p><b>No copy of a leaf's first gradient when nothing else can see it.</b> A leaf's {@code .grad} must
 * not share memory with anything else (later backward passes add into it in place), so the first
 * gradient is copied, unless the engine knows it is the only holder: the gradient was made during this
 * pass by a backward rule (its storage is newer than the pass and has a single tensor over it, so it is
 * no view and no saved tensor), or it is such a gradient passed on by a rule, as it is or as a view that
 * is the only other tensor over its storage (reshape's backward), it was handed to one input only, and
 * no hook saw it. Sums of contributions the engine makes itself are owned too. This saves a copy of
 * every weight gradient per training step, and lets elementwise rules overwrite gradients they own
 * ({@link Node#elementwiseGradientBuffer}) instead of allocating, also behind a {@code Flatten}. A rule
 * that has read an owned gradient in full and returns nothing over its memory may hand its arrays back
 * ({@link Node#recycle}: of doubles, of floats, or both), so that a later rule of the thread, in this
 * pass or the next, fills one instead of a new array ({@link Node#uninitializedGradientBuffer},
 * {@link Node#uninitializedFloatGradientBuffer}): a convolution hands back the gradient it received, and
 * the next step's input gradients of a strided convolution and of a linear layer take it.
 */
public final class Autograd {
    private Autograd() {
    }

    /** Whether an operation on these inputs must record a node: recording is on and some input requires grad. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Attaches {@code node} to {@code output} as the operation that produced it; {@code output} then
     * requires grad and is no longer a leaf.
     *
     * @param output modified: gains a grad_fn
     */
    public static Tensor record(Tensor output, Node node) {
        node.bindOutput(output);
        output.attachGradFn(node);
        return output;
    }

    /**
     * Computes the gradient of {@code root} with respect to every leaf it depends on.
     *
     * @param root        the result; must require grad
     * @param gradient    d(loss)/d(root), same shape and type as {@code root}; null is allowed only for a
     *                    single-element root, meaning 1
     * @param retainGraph keep the saved tensors so that backward can run through this graph again
     */
    public static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor of shape " + Shapes.format(root.shape())
                    + " does not require grad and has no grad_fn; set requiresGrad on the leaves it is computed from");
        }
        long passStart = Storage.latestSerial();
        Tensor seed = seedGradient(root, gradient);
        Map<Tensor, Integer> pendingUses = countUses(root);
        Map<Tensor, Tensor> gradients = new IdentityHashMap<>();
        gradients.put(root, seed);
        // gradients in the map that nothing but the map refers to: a leaf may keep them without a copy
        Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> ready = new ArrayDeque<>();
        ready.push(root);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            while (!ready.isEmpty()) {
                Tensor tensor = ready.pop();
                Tensor grad = gradients.remove(tensor);
                boolean gradOwned = grad != null && owned.remove(grad);
                Node node = tensor.gradFn();
                if (grad != null) {
                    if (tensor.hasHooks()) {
                        grad = tensor.runHooks(grad);
                        gradOwned = false; // a hook may have kept it
                    }
                    if (node == null) {
                        tensor.accumulateGrad(grad, gradOwned);
                    } else if (tensor.retainsGrad()) {
                        tensor.accumulateGrad(grad, false);
                    }
                }
                if (node == null) {
                    continue;
                }
                // a retained gradient was copied into .grad, so the engine still holds the only reference
                Tensor[] inputGrads = grad == null ? new Tensor[node.inputCount()] : node.apply(grad, gradOwned);
                for (int i = 0; i < node.inputCount(); i++) {
                    Tensor input = node.input(i);
                    if (input == null || !input.requiresGrad()) {
                        continue;
                    }
                    Tensor g = inputGrads[i];
                    if (g != null) {
                        checkGradient(node, i, input, g);
                        Tensor previous = gradients.get(input);
                        if (previous == null) {
                            gradients.put(input, g);
                            // handed to this input only, and either passed through from an owned gradient,
                            // unchanged or as a view of it that is the only other tensor over its storage,
                            // or made by this backward rule (a new storage, no other tensor over it)
                            boolean passedThrough = g == grad || g.isOnlyOtherTensorOver(grad);
                            boolean isOwned = occursOnce(inputGrads, g)
                                    && (passedThrough ? gradOwned : g.isSoleTensorOfStorageNewerThan(passStart));
                            if (isOwned) {
                                owned.add(g);
                            }
                        } else {
                            Tensor sum = previous.add(g);
                            owned.remove(previous);
                            gradients.put(input, sum);
                            owned.add(sum);
                        }
                    }
                    int left = pendingUses.merge(input, -1, Integer::sum);
                    if (left == 0) {
                        ready.push(input);
                    }
                }
                if (!retainGraph) {
                    node.release();
                }
            }
        }
    }

    private static boolean occursOnce(Tensor[] tensors, Tensor t) {
        int count = 0;
        for (Tensor u : tensors) {
            count += u == t ? 1 : 0;
        }
        return count == 1;
    }

    private static Tensor seedGradient(Tensor root, Tensor gradient) {
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: grad can be implicitly created only for scalar outputs, "
                        + "but the output has shape " + Shapes.format(root.shape())
                        + "; pass a gradient of that shape to backward(gradient)");
            }
            return Tensor.ones(root.dtype(), root.shape());
        }
        if (!java.util.Arrays.equals(gradient.shape(), root.shape())) {
            throw new ShapeException("backward: the gradient has shape " + Shapes.format(gradient.shape())
                    + " but the output has shape " + Shapes.format(root.shape()));
        }
        if (gradient.dtype() != root.dtype()) {
            throw new IllegalArgumentException("backward: the gradient has dtype " + gradient.dtype()
                    + " but the output has dtype " + root.dtype());
        }
        return gradient.detach();
    }

    /** Counts, for each tensor reachable from root, the number of recorded uses of it that root depends on. */
    private static Map<Tensor, Integer> countUses(Tensor root) {
        Map<Tensor, Integer> uses = new IdentityHashMap<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        Deque<Tensor> stack = new ArrayDeque<>();
        stack.push(root);
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Node node = stack.pop().gradFn();
            if (node == null) {
                continue;
            }
            for (int i = 0; i < node.inputCount(); i++) {
                Tensor input = node.input(i);
                if (input == null || !input.requiresGrad()) {
                    continue;
                }
                uses.merge(input, 1, Integer::sum);
                if (visited.put(input, Boolean.TRUE) == null) {
                    stack.push(input);
                }
            }
        }
        return uses;
    }

    private static void checkGradient(Node node, int i, Tensor input, Tensor grad) {
        if (!java.util.Arrays.equals(grad.shape(), input.shape())) {
            throw new IllegalStateException(node.name() + ": backward produced a gradient of shape "
                    + Shapes.format(grad.shape()) + " for input " + i + " of shape " + Shapes.format(input.shape()));
        }
    }
}
