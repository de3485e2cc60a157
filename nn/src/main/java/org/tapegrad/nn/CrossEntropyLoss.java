package org.tapegrad.nn;

import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;
import org.tapegrad.autograd.functional.Reduction;

/**
 * The cross entropy between logits and targets, PyTorch's {@code nn.CrossEntropyLoss}: log-softmax over
 * the class dimension followed by the negative log-likelihood, optionally class-weighted and label-smoothed.
 *
 * <h2>Shapes</h2>
 * <ul>
 *   <li>input (logits): {@code (C)}, {@code (N, C)} or {@code (N, C, d1, …, dK)}</li>
 *   <li>target: class indices of shape {@code ()}, {@code (N)} or {@code (N, d1, …, dK)} (a float64 tensor
 *       of whole numbers, see {@link Tensor#ofIndices}), or class probabilities of the input's shape</li>
 *   <li>{@code weight} (optional): {@code (C)}</li>
 *   <li>output: a scalar for {@code MEAN}/{@code SUM}; the target's shape (indices) for {@code NONE}</li>
 * </ul>
 * With class indices, {@code MEAN} divides by the summed weights of the non-ignored targets (their count
 * when unweighted); see {@link Functional#crossEntropy}.
 *
 * <p>Unlike the layers this is not a {@link Module}: it takes two inputs and has no trainable state.
 * This class is immutable (the weight tensor is not copied; do not modify it).
 */
public final class CrossEntropyLoss {

    /**
     * The settings of a {@link CrossEntropyLoss}. This class is immutable.
     *
     * @param weight a rescaling weight per class, shape {@code (C)}, or null (PyTorch default)
     * @param ignoreIndex a target value that is ignored (default -100)
     * @param reduction how per-element losses are combined (default {@code MEAN})
     * @param labelSmoothing ε in [0, 1] (default 0); PyTorch silently ignores negative values, tapegrad rejects them
     */
    public record Options(Tensor weight, int ignoreIndex, Reduction reduction, double labelSmoothing) {
        public Options {
            if (weight != null && weight.dim() != 1) {
                throw new IllegalArgumentException("CrossEntropyLoss: weight must be 1-D (one value per class), got shape "
                        + Shapes.format(weight.shape()));
            }
            if (reduction == null) {
                throw new NullPointerException("CrossEntropyLoss: reduction is null");
            }
            if (!(labelSmoothing >= 0.0 && labelSmoothing <= 1.0)) {
                throw new IllegalArgumentException("CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: "
                        + PyFormat.repr(labelSmoothing));
            }
        }

        /** PyTorch's defaults: no weight, ignore_index -100, mean, no smoothing. */
        public Options() {
            this(null, -100, Reduction.MEAN, 0.0);
        }
    }

    private final Options options;

    /** {@code CrossEntropyLoss()} with PyTorch's defaults. */
    public CrossEntropyLoss() {
        this(new Options());
    }

    /** {@code CrossEntropyLoss(reduction=...)}. */
    public CrossEntropyLoss(Reduction reduction) {
        this(new Options(null, -100, reduction, 0.0));
    }

    /** A loss with the given settings. */
    public CrossEntropyLoss(Options options) {
        this.options = options;
    }

    /** The settings. */
    public Options options() {
        return options;
    }

    /**
     * The loss of {@code input} (logits) against {@code target}.
     *
     * @param input not modified
     * @param target not modified
     */
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.crossEntropy(input, target, options.weight(), options.ignoreIndex(), options.reduction(),
                options.labelSmoothing());
    }

    /** {@code CrossEntropyLoss()}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "CrossEntropyLoss()";
    }
}
