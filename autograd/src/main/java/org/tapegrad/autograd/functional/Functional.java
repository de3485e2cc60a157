package org.tapegrad.autograd.functional;

import org.tapegrad.autograd.Tensor;

/**
 * INTERFACE SKETCH (being implemented): the functional layer ops, like {@code torch.nn.functional}.
 */
public final class Functional {
    private Functional() {
    }

    /** conv2d with stride/padding/dilation as (h, w) pairs. bias may be null. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        throw new UnsupportedOperationException("conv2d: not implemented yet");
    }

    /** conv2d with padding "same" or "valid". */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation,
            int groups) {
        throw new UnsupportedOperationException("conv2d: not implemented yet");
    }

    public static Tensor maxPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        throw new UnsupportedOperationException("maxPool2d: not implemented yet");
    }

    public static Tensor avgPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        throw new UnsupportedOperationException("avgPool2d: not implemented yet");
    }

    /**
     * Batch normalisation over (N, C, ...). runningMean/runningVar may be null; updated in place in training.
     * momentum: the exponential-average factor; null means a cumulative average (the caller then passes
     * the factor 1/numBatchesTracked itself, as nn.BatchNorm2d does).
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        throw new UnsupportedOperationException("batchNorm: not implemented yet");
    }

    public static Tensor crossEntropy(Tensor logits, Tensor target, Tensor weight, int ignoreIndex,
            Reduction reduction, double labelSmoothing) {
        throw new UnsupportedOperationException("crossEntropy: not implemented yet");
    }

    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, null, -100, Reduction.MEAN, 0.0);
    }

    public static Tensor nllLoss(Tensor logProbabilities, Tensor target, Tensor weight, int ignoreIndex,
            Reduction reduction) {
        throw new UnsupportedOperationException("nllLoss: not implemented yet");
    }
}
