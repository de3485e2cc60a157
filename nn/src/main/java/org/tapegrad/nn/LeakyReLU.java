package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/**
 * {@code y = x} for {@code x > 0}, {@code negative_slope·x} otherwise, elementwise; PyTorch's
 * {@code nn.LeakyReLU}. Input: any shape; output: the same shape. No parameters.
 */
public final class LeakyReLU extends Module {
    /** PyTorch's default negative slope. */
    public static final double DEFAULT_NEGATIVE_SLOPE = 0.01;

    private final double negativeSlope;

    /** {@code LeakyReLU(negative_slope=0.01)}. */
    public LeakyReLU() {
        this(DEFAULT_NEGATIVE_SLOPE);
    }

    /**
     * @param negativeSlope the slope for negative inputs; finite
     */
    public LeakyReLU(double negativeSlope) {
        if (!Double.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negative_slope must be finite, got "
                    + PyFormat.repr(negativeSlope));
        }
        this.negativeSlope = negativeSlope;
    }

    /** The slope for negative inputs. */
    public double negativeSlope() {
        return negativeSlope;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return input.leakyRelu(negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + PyFormat.repr(negativeSlope);
    }
}
