package org.tapegrad.examples.seed;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.nn.BatchNorm2d;
import org.tapegrad.nn.Conv2d;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;

/**
 * The conv seed article's model:
 * <pre>
 *   two convs:   x → conv1 → bn1 → relu → conv2 → bn2 → relu     (1, 3, H, W) → (1, 3, H, W)
 *   single conv: x → conv2                                          (the article's one-layer comparison)
 * </pre>
 * Both convs are {@code Conv2d(3, 3, 3, padding=1, bias=False)}; the BatchNorm layers have PyTorch's
 * defaults (γ = 1, β = 0, eps 1e-5, momentum 0.1) and train with the rest. The output is read as the
 * logits of 3 classes at every pixel. The single-conv model is the bare convolution, as in the article's
 * script and the PyTorch reference case {@code seedexp_zeros_single_conv}.
 *
 * <p>The children are named as in the article's class ({@code conv1}, {@code bn1}, {@code relu},
 * {@code conv2}, {@code bn2}, {@code relu2}), so hooks and state dicts read the same.
 */
public final class SeedNet extends Module {
    /** Channels in and out of both convolutions (and the number of classes). */
    public static final int CHANNELS = 3;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final boolean singleConv;

    /**
     * @param generator draws the convolutions' default initialisation (which the experiment then replaces)
     */
    public SeedNet(boolean singleConv, DType dtype, Generator generator) {
        this.singleConv = singleConv;
        if (singleConv) {
            conv1 = null;
            bn1 = null;
            conv2 = registerModule("conv2", conv(dtype, generator));
            bn2 = null;
        } else {
            conv1 = registerModule("conv1", conv(dtype, generator));
            bn1 = registerModule("bn1", BatchNorm2d.builder(CHANNELS).dtype(dtype).build());
            registerModule("relu", new ReLU());
            conv2 = registerModule("conv2", conv(dtype, generator));
            bn2 = registerModule("bn2", BatchNorm2d.builder(CHANNELS).dtype(dtype).build());
            registerModule("relu2", new ReLU());
        }
    }

    private static Conv2d conv(DType dtype, Generator generator) {
        return Conv2d.builder(CHANNELS, CHANNELS, 3).padding(1).bias(false).dtype(dtype).generator(generator).build();
    }

    @Override
    protected Tensor compute(Tensor input) {
        Tensor x = input;
        for (Module child : namedChildren().values()) {
            x = child.forward(x);
        }
        return x;
    }

    /** Whether this is the single-conv model. */
    public boolean singleConv() {
        return singleConv;
    }

    /** The first convolution, or null in the single-conv model. */
    public Conv2d conv1() {
        return conv1;
    }

    /** The first BatchNorm, or null in the single-conv model. */
    public BatchNorm2d bn1() {
        return bn1;
    }

    /** The second convolution (the only one in the single-conv model). */
    public Conv2d conv2() {
        return conv2;
    }

    /** The second BatchNorm, or null in the single-conv model. */
    public BatchNorm2d bn2() {
        return bn2;
    }
}
