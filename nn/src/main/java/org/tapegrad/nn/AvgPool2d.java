package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;

/**
 * Averages each window, PyTorch's {@code nn.AvgPool2d} (floor mode; zero padding counts in the average,
 * {@code count_include_pad=True}).
 *
 * <h2>Shapes</h2>
 * Input {@code (N, C, H, W)} or {@code (C, H, W)}; output {@code (N, C, H_out, W_out)} with
 * {@code H_out = ⌊(H + 2·pH − kH)/sH⌋ + 1} (likewise W_out). No parameters.
 *
 * <p>The stride defaults to the kernel size; the padding must be at most half the kernel size.
 */
public final class AvgPool2d extends Module {
    private final PoolSettings settings;

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
        this.settings = PoolSettings.of("AvgPool2d", kernelSize, stride, padding);
    }

    /** The window size. */
    public IntPair kernelSize() {
        return settings.kernelSize();
    }

    /** The step between windows. */
    public IntPair stride() {
        return settings.stride();
    }

    /** The implicit padding on both sides. */
    public IntPair padding() {
        return settings.padding();
    }

    @Override
    protected Tensor compute(Tensor input) {
        return Functional.avgPool2d(input, settings.kernelSize().toArray(), settings.stride().toArray(),
                settings.padding().toArray());
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + settings.kernelSize().toCompactString() + ", stride=" + settings.stride().toCompactString()
                + ", padding=" + settings.padding().toCompactString();
    }
}
