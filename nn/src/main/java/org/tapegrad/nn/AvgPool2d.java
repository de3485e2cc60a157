package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;

/**
 * Averages each window, PyTorch's {@code nn.AvgPool2d} (floor mode; zero padding counts in the average,
 * {@code count_include_pad=True}). Shapes: see {@link Pool2d}. The stride defaults to the kernel size;
 * the padding must be at most half the kernel size.
 */
public final class AvgPool2d extends Pool2d {
    /** {@code AvgPool2d(kernel_size)}: stride = kernel size, no padding. */
    public AvgPool2d(int kernelSize) {
        this(IntPair.of(kernelSize), null, IntPair.of(0));
    }

    /** {@code AvgPool2d(kernel_size, stride)}, no padding. */
    public AvgPool2d(int kernelSize, int stride) {
        this(IntPair.of(kernelSize), IntPair.of(stride), IntPair.of(0));
    }

    /** {@code AvgPool2d(kernel_size, stride, padding)}. */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(IntPair.of(kernelSize), IntPair.of(stride), IntPair.of(padding));
    }

    /**
     * @param stride null for the default, the kernel size
     */
    public AvgPool2d(IntPair kernelSize, IntPair stride, IntPair padding) {
        super("AvgPool2d", kernelSize, stride, padding);
    }

    @Override
    Tensor pool(Tensor input, int[] kernel, int[] stride, int[] padding) {
        return Functional.avgPool2d(input, kernel, stride, padding);
    }
}
