package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;

/**
 * Takes the maximum of each window, PyTorch's {@code nn.MaxPool2d} (dilation 1, floor mode; padding
 * is −∞, so it never wins). Shapes: see {@link Pool2d}. The stride defaults to the kernel size; the
 * padding must be at most half the kernel size.
 */
public final class MaxPool2d extends Pool2d {
    /** {@code MaxPool2d(kernel_size)}: stride = kernel size, no padding. */
    public MaxPool2d(int kernelSize) {
        this(IntPair.of(kernelSize), null, IntPair.of(0));
    }

    /** {@code MaxPool2d(kernel_size, stride)}, no padding. */
    public MaxPool2d(int kernelSize, int stride) {
        this(IntPair.of(kernelSize), IntPair.of(stride), IntPair.of(0));
    }

    /** {@code MaxPool2d(kernel_size, stride, padding)}. */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(IntPair.of(kernelSize), IntPair.of(stride), IntPair.of(padding));
    }

    /**
     * @param stride null for the default, the kernel size
     */
    public MaxPool2d(IntPair kernelSize, IntPair stride, IntPair padding) {
        super("MaxPool2d", kernelSize, stride, padding);
    }

    @Override
    Tensor pool(Tensor input, int[] kernel, int[] stride, int[] padding) {
        return Functional.maxPool2d(input, kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + ", dilation=1, ceil_mode=False";
    }
}
