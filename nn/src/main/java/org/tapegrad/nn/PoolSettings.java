package org.tapegrad.nn;

/** The kernel, stride and padding of a 2-D pooling layer, validated as PyTorch checks them. */
record PoolSettings(IntPair kernelSize, IntPair stride, IntPair padding) {

    /**
     * @param layer the layer's name, for messages
     * @param stride null for the default, which is the kernel size
     */
    static PoolSettings of(String layer, IntPair kernelSize, IntPair stride, IntPair padding) {
        if (kernelSize == null || padding == null) {
            throw new NullPointerException(layer + ": kernel_size and padding must not be null");
        }
        IntPair s = stride == null ? kernelSize : stride;
        if (!kernelSize.allAtLeast(1)) {
            throw new IllegalArgumentException(layer + ": kernel_size must be greater than zero, but got kernel_size="
                    + kernelSize.toCompactString());
        }
        if (!s.allAtLeast(1)) {
            throw new IllegalArgumentException(layer + ": stride must be greater than zero, but got stride="
                    + s.toCompactString());
        }
        if (!padding.allAtLeast(0)) {
            throw new IllegalArgumentException(layer + ": padding must be non-negative, but got padding="
                    + padding.toCompactString());
        }
        if (padding.height() > kernelSize.height() / 2 || padding.width() > kernelSize.width() / 2) {
            throw new IllegalArgumentException(layer + ": pad should be at most half of kernel size, but got pad="
                    + padding.toCompactString() + " and kernel_size=" + kernelSize.toCompactString());
        }
        return new PoolSettings(kernelSize, s, padding);
    }
}
