package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/**
 * What the 2-D pooling layers share: a window ({@code kernelSize}) moved by {@code stride} over the
 * zero- or −∞-padded input, one output value per window position. Subclasses say what a window
 * reduces to.
 *
 * <h2>Shapes</h2>
 * Input {@code (N, C, H, W)} or {@code (C, H, W)}; output {@code (N, C, H_out, W_out)} with
 * {@code H_out = ⌊(H + 2·pH − kH)/sH⌋ + 1} (likewise W_out). No parameters.
 */
public abstract class Pool2d extends Module {
    private final PoolSettings settings;

    /**
     * @param layer  the layer's name, for messages
     * @param stride null for the default, the kernel size
     */
    Pool2d(String layer, IntPair kernelSize, IntPair stride, IntPair padding) {
        this.settings = PoolSettings.of(layer, kernelSize, stride, padding);
    }

    /** The window size. */
    public final IntPair kernelSize() {
        return settings.kernelSize();
    }

    /** The step between windows. */
    public final IntPair stride() {
        return settings.stride();
    }

    /** The implicit padding on both sides. */
    public final IntPair padding() {
        return settings.padding();
    }

    /** Pools {@code input} with the given (height, width) pairs. */
    abstract Tensor pool(Tensor input, int[] kernel, int[] stride, int[] padding);

    @Override
    protected final Tensor compute(Tensor input) {
        return pool(input, kernelSize().toArray(), stride().toArray(), padding().toArray());
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernelSize().toCompactString() + ", stride=" + stride().toCompactString()
                + ", padding=" + padding().toCompactString();
    }
}
