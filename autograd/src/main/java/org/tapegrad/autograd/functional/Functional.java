package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Tensor;

/**
 * The functional layer, like {@code torch.nn.functional}: convolution, pooling, batch normalisation and
 * the classification losses, each differentiable and matching PyTorch in value and gradient.
 *
 * <p>This class is only the public entry point; each operation, with its forward and backward side by
 * side and its formulas in the Javadoc, lives in its own class: {@link Conv2d} (with {@link Im2col}),
 * {@link MaxPool2d}, {@link AvgPool2d}, {@link BatchNorm}, {@link CrossEntropy} (with
 * {@link SoftTargetCrossEntropy}) and {@link NllLoss}. The exact semantics are those of
 * the project SPEC (§3 conv, §4 batch norm, §5 cross entropy).
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Stride, padding, dilation and kernel sizes are an {@code int} or an {@code (h, w)} pair
 *       ({@code int[]} of length 2; length 1 means both).</li>
 *   <li>Inputs, weights and biases must share one dtype; outputs and gradients have it too. Kernels
 *       compute in double and round float32 results once.</li>
 *   <li>Class indices are float tensors holding exact integers ({@link Tensor#ofIndices}).</li>
 *   <li>Bad arguments raise {@link IllegalArgumentException} (a {@link org.tapegrad.autograd.ShapeException}
 *       for shapes) whose message starts with the operation's name and gives the offending sizes.</li>
 * </ul>
 */
public final class Functional {
    /** PyTorch's default {@code ignore_index} for the losses. */
    public static final int DEFAULT_IGNORE_INDEX = -100;
    /** PyTorch's default batch-norm momentum (the exponential-average factor). */
    public static final double DEFAULT_BATCH_NORM_MOMENTUM = 0.1;
    /** PyTorch's default batch-norm eps. */
    public static final double DEFAULT_BATCH_NORM_EPS = 1e-5;

    private Functional() {
    }

    // ------------------------------------------------------------------ convolution

    /**
     * 2-D cross-correlation, PyTorch's {@code F.conv2d}; see {@link Conv2d} for the formula and the
     * im2col design.
     *
     * @param input    (N, C_in, H, W)
     * @param weight   (C_out, C_in/groups, kH, kW)
     * @param bias     (C_out), or null
     * @param stride   (sH, sW), each ≥ 1
     * @param padding  (pH, pW) zeros on both sides, each ≥ 0
     * @param dilation (dH, dW), each ≥ 1
     * @param groups   ≥ 1, dividing both C_in and C_out
     * @return (N, C_out, H_out, W_out), {@code H_out = ⌊(H + 2pH − dH(kH − 1) − 1)/sH⌋ + 1}
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return Conv2d.apply(input, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * conv2d with padding {@code "valid"} (none) or {@code "same"} (stride 1 only; the output keeps the
     * input's size, an even kernel's extra padding goes to the bottom/right, as in PyTorch).
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation,
            int groups) {
        return Conv2d.apply(input, weight, bias, stride, padding, dilation, groups);
    }

    /** conv2d with scalar stride, padding and dilation. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return conv2d(input, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups);
    }

    /** conv2d with a padding string and scalar stride and dilation. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, String padding, int dilation,
            int groups) {
        return conv2d(input, weight, bias, new int[] {stride}, padding, new int[] {dilation}, groups);
    }

    /** conv2d with scalar stride and padding, no dilation, one group. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(input, weight, bias, stride, padding, 1, 1);
    }

    /** conv2d with stride 1 and no padding. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) {
        return conv2d(input, weight, bias, 1, 0, 1, 1);
    }

    /** conv2d without bias, stride 1 and no padding. */
    public static Tensor conv2d(Tensor input, Tensor weight) {
        return conv2d(input, weight, null);
    }

    // ------------------------------------------------------------------ pooling

    /**
     * 2-D max pooling, PyTorch's {@code F.max_pool2d} (no dilation, no ceil mode); the gradient goes to
     * each window's arg-max. See {@link MaxPool2d}.
     *
     * @param input   (N, C, H, W) or (C, H, W)
     * @param kernel  (kH, kW)
     * @param stride  (sH, sW); null means the kernel size
     * @param padding (pH, pW) of −∞, at most half the kernel; null means 0
     */
    public static Tensor maxPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        return MaxPool2d.apply(input, kernel, stride, padding);
    }

    /** Max pooling with stride = kernel and no padding. */
    public static Tensor maxPool2d(Tensor input, int[] kernel) {
        return maxPool2d(input, kernel, null, null);
    }

    /** Max pooling with a square kernel, stride and padding. */
    public static Tensor maxPool2d(Tensor input, int kernel, int stride, int padding) {
        return maxPool2d(input, new int[] {kernel}, new int[] {stride}, new int[] {padding});
    }

    /** Max pooling with a square kernel, stride = kernel, no padding. */
    public static Tensor maxPool2d(Tensor input, int kernel) {
        return maxPool2d(input, new int[] {kernel});
    }

    /**
     * 2-D average pooling, PyTorch's {@code F.avg_pool2d} with {@code count_include_pad=True} (zero padding
     * counts in the divisor, which is always kH·kW) and no ceil mode. See {@link AvgPool2d}.
     *
     * @param input   (N, C, H, W) or (C, H, W)
     * @param kernel  (kH, kW)
     * @param stride  (sH, sW); null means the kernel size
     * @param padding (pH, pW) of zeros, at most half the kernel; null means 0
     */
    public static Tensor avgPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        return AvgPool2d.apply(input, kernel, stride, padding);
    }

    /** Average pooling with stride = kernel and no padding. */
    public static Tensor avgPool2d(Tensor input, int[] kernel) {
        return avgPool2d(input, kernel, null, null);
    }

    /** Average pooling with a square kernel, stride and padding. */
    public static Tensor avgPool2d(Tensor input, int kernel, int stride, int padding) {
        return avgPool2d(input, new int[] {kernel}, new int[] {stride}, new int[] {padding});
    }

    /** Average pooling with a square kernel, stride = kernel, no padding. */
    public static Tensor avgPool2d(Tensor input, int kernel) {
        return avgPool2d(input, new int[] {kernel});
    }

    // ------------------------------------------------------------------ normalisation

    /**
     * Batch normalisation over (N, C, …), PyTorch's {@code F.batch_norm}; see {@link BatchNorm} for the
     * formulas.
     *
     * <p>In training the batch statistics normalise (biased variance) and, when given, the running
     * statistics are updated in place outside the tape (their version is bumped) with the unbiased
     * variance: {@code running = (1 − momentum)·running + momentum·batchStat}. In eval the running
     * statistics normalise; with none given, the batch statistics do (nn.BatchNorm2d with
     * {@code track_running_stats=False}). The gradient flows exactly through the batch statistics.
     *
     * @param input       (N, C, d1, …, dk), k ≥ 0
     * @param runningMean (C) or null; modified in training
     * @param runningVar  (C) or null (null exactly when runningMean is); modified in training
     * @param weight      γ (C) or null (1)
     * @param bias        β (C) or null (0)
     * @param momentum    the exponential-average factor f. PyTorch's {@code momentum=None} (a cumulative
     *                    average) is the caller's business: nn.BatchNorm2d then increments its
     *                    {@code numBatchesTracked} and passes {@code 1/numBatchesTracked}
     * @param eps         added to the variance; must be positive
     * @throws IllegalArgumentException in training with one value per channel ("Expected more than 1 value
     *                                  per channel when training, got input size [1, 3, 1, 1]")
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        return BatchNorm.apply(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Batch normalisation with PyTorch's defaults momentum 0.1 and eps 1e-5. */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training) {
        return batchNorm(input, runningMean, runningVar, weight, bias, training, DEFAULT_BATCH_NORM_MOMENTUM,
                DEFAULT_BATCH_NORM_EPS);
    }

    // ------------------------------------------------------------------ losses

    /**
     * Cross entropy of logits, PyTorch's {@code F.cross_entropy}; see {@link CrossEntropy}.
     *
     * @param logits         (C), (N, C) or (N, C, d1, …, dk); the class dimension is 1 (0 for 1-D)
     * @param target         class indices of shape (), (N) or (N, d1, …, dk) (exact integers in [0, C) or
     *                       ignoreIndex); or, with exactly the logits' shape, class probabilities
     * @param weight         (C) class weights, or null
     * @param ignoreIndex    targets equal to it contribute nothing (index targets; must be negative with
     *                       probability targets)
     * @param reduction      'mean' divides by the summed weights of the non-ignored targets (NaN if all
     *                       are ignored); with probability targets by the number of positions
     * @param labelSmoothing ε ≤ 1; ε ≤ 0 means none
     * @return 0-d, or the target's (positions') shape for {@link Reduction#NONE}
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, Tensor weight, int ignoreIndex,
            Reduction reduction, double labelSmoothing) {
        return CrossEntropy.apply(logits, target, weight, ignoreIndex, reduction, labelSmoothing);
    }

    /** Cross entropy with the given reduction and PyTorch's other defaults. */
    public static Tensor crossEntropy(Tensor logits, Tensor target, Reduction reduction) {
        return crossEntropy(logits, target, null, DEFAULT_IGNORE_INDEX, reduction, 0.0);
    }

    /** Mean cross entropy, no weights, ignoreIndex −100, no label smoothing. */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, Reduction.MEAN);
    }

    /**
     * Negative log-likelihood of log-probabilities, PyTorch's {@code F.nll_loss}; see {@link NllLoss}.
     * Shapes and reductions as {@link #crossEntropy(Tensor, Tensor, Tensor, int, Reduction, double)}
     * with index targets.
     */
    public static Tensor nllLoss(Tensor logProbabilities, Tensor target, Tensor weight, int ignoreIndex,
            Reduction reduction) {
        return NllLoss.apply(logProbabilities, target, weight, ignoreIndex, reduction);
    }

    /** Mean negative log-likelihood, no weights, ignoreIndex −100. */
    public static Tensor nllLoss(Tensor logProbabilities, Tensor target) {
        return nllLoss(logProbabilities, target, null, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }
}
