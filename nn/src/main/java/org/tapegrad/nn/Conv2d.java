package org.tapegrad.nn;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;

/**
 * A 2-D convolution (cross-correlation, no kernel flip), PyTorch's {@code nn.Conv2d} with
 * {@code padding_mode='zeros'}.
 *
 * <h2>Shapes</h2>
 * <ul>
 *   <li>input: {@code (N, C_in, H, W)} or unbatched {@code (C_in, H, W)}</li>
 *   <li>{@code weight}: {@code (C_out, C_in/groups, kH, kW)}</li>
 *   <li>{@code bias}: {@code (C_out)}, absent when {@code bias=false}</li>
 *   <li>output: {@code (N, C_out, H_out, W_out)} with
 *       {@code H_out = ⌊(H + 2·pH − dH·(kH−1) − 1)/sH⌋ + 1} (likewise W_out); {@code 'same'} padding keeps
 *       {@code H_out = H}, putting an odd extra padding element at the bottom/right</li>
 * </ul>
 *
 * <h2>Initialisation</h2>
 * As PyTorch's {@code reset_parameters}: the weight from {@code kaimingUniform_(a=√5)}, which is
 * U(−1/√k, 1/√k) with {@code k = fan_in = (C_in/groups)·kH·kW}; then the bias from the same interval.
 * The weight is drawn first, then the bias.
 *
 * <p>Build with a constructor for the common cases or with a builder:
 * {@code Conv2d.builder(3, 16, 3).padding(1).bias(false).build()}.
 */
public final class Conv2d extends Module {

    /**
     * Conv2d padding: explicit amounts, or the name {@code "same"} or {@code "valid"}. This class is immutable.
     *
     * @param name {@code "same"} or {@code "valid"}, or null for explicit amounts
     * @param amounts the zero padding added to both sides of each dimension; null for a named padding
     */
    public record Padding(String name, IntPair amounts) {
        /** No padding: {@code padding='valid'}. */
        public static final Padding VALID = new Padding("valid", null);
        /** Output size equal to input size (stride 1 only): {@code padding='same'}. */
        public static final Padding SAME = new Padding("same", null);

        public Padding {
            if ((name == null) == (amounts == null)) {
                throw new IllegalArgumentException("Conv2d: padding needs exactly one of a name and amounts");
            }
            if (name != null && !name.equals("same") && !name.equals("valid")) {
                throw new IllegalArgumentException("Conv2d: Invalid padding string '" + name
                        + "', should be one of {'valid', 'same'}");
            }
        }

        /** {@code padding=value}: the same amount on every side. */
        public static Padding of(int value) {
            return new Padding(null, IntPair.of(value));
        }

        /** {@code padding=(height, width)}. */
        public static Padding of(int height, int width) {
            return new Padding(null, IntPair.of(height, width));
        }

        /** {@code padding='same'} or {@code padding='valid'}. */
        public static Padding named(String name) {
            return new Padding(name, null);
        }

        /** Whether this padding is given by name. */
        public boolean isNamed() {
            return name != null;
        }

        /** As PyTorch prints it: {@code (1, 1)} or {@code same}. */
        @Override
        public String toString() {
            return isNamed() ? name : amounts.toString();
        }
    }

    /**
     * The settings of a {@link Conv2d} layer, validated in the constructor (in PyTorch's order) with
     * one message per field. This class is immutable.
     *
     * @param inChannels channels of the input, positive and divisible by groups
     * @param outChannels channels of the output, positive and divisible by groups
     * @param kernelSize positive
     * @param stride positive; 1 with {@code padding='same'}
     * @param padding non-negative amounts, or a name
     * @param dilation positive
     * @param groups positive, dividing both channel counts
     * @param bias whether there is a learnable bias
     * @param dtype the parameters' element type
     */
    public record Options(int inChannels, int outChannels, IntPair kernelSize, IntPair stride, Padding padding,
            IntPair dilation, int groups, boolean bias, DType dtype) {
        public Options {
            if (inChannels <= 0) {
                throw new IllegalArgumentException("Conv2d: in_channels must be positive, got " + inChannels);
            }
            if (outChannels <= 0) {
                throw new IllegalArgumentException("Conv2d: out_channels must be positive, got " + outChannels);
            }
            if (groups <= 0) {
                throw new IllegalArgumentException("Conv2d: groups must be a positive integer, got " + groups);
            }
            if (inChannels % groups != 0) {
                throw new IllegalArgumentException("Conv2d: in_channels must be divisible by groups (in_channels="
                        + inChannels + ", groups=" + groups + ")");
            }
            if (outChannels % groups != 0) {
                throw new IllegalArgumentException("Conv2d: out_channels must be divisible by groups (out_channels="
                        + outChannels + ", groups=" + groups + ")");
            }
            requireNonNull(kernelSize, "kernel_size");
            requireNonNull(stride, "stride");
            requireNonNull(padding, "padding");
            requireNonNull(dilation, "dilation");
            requireNonNull(dtype, "dtype");
            if (!kernelSize.allAtLeast(1)) {
                throw new IllegalArgumentException("Conv2d: kernel_size must be positive, got " + kernelSize);
            }
            if (!stride.allAtLeast(1)) {
                throw new IllegalArgumentException("Conv2d: non-positive stride is not supported, got stride=" + stride);
            }
            if (!padding.isNamed() && !padding.amounts().allAtLeast(0)) {
                throw new IllegalArgumentException("Conv2d: negative padding is not supported, got padding=" + padding);
            }
            if (!dilation.allAtLeast(1)) {
                throw new IllegalArgumentException("Conv2d: dilation should be greater than zero, got dilation="
                        + dilation);
            }
            if (padding.equals(Padding.SAME) && !stride.equals(IntPair.of(1))) {
                throw new IllegalArgumentException("Conv2d: padding='same' is not supported for strided convolutions"
                        + " (stride=" + stride + ")");
            }
        }

        private static void requireNonNull(Object value, String field) {
            if (value == null) {
                throw new NullPointerException("Conv2d: " + field + " is null");
            }
        }
    }

    /** Collects the settings of a {@link Conv2d} with PyTorch's defaults; {@link #build()} validates them. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final IntPair kernelSize;
        private IntPair stride = IntPair.of(1);
        private Padding padding = Padding.of(0);
        private IntPair dilation = IntPair.of(1);
        private int groups = 1;
        private boolean bias = true;
        private DType dtype = DType.FLOAT32;
        private Generator generator;

        private Builder(int inChannels, int outChannels, IntPair kernelSize) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelSize = kernelSize;
        }

        public Builder stride(int value) {
            return stride(IntPair.of(value));
        }

        public Builder stride(IntPair value) {
            this.stride = value;
            return this;
        }

        public Builder padding(int value) {
            return padding(Padding.of(value));
        }

        public Builder padding(int height, int width) {
            return padding(Padding.of(height, width));
        }

        /** {@code "same"} or {@code "valid"}. */
        public Builder padding(String name) {
            return padding(Padding.named(name));
        }

        public Builder padding(Padding value) {
            this.padding = value;
            return this;
        }

        public Builder dilation(int value) {
            return dilation(IntPair.of(value));
        }

        public Builder dilation(IntPair value) {
            this.dilation = value;
            return this;
        }

        public Builder groups(int value) {
            this.groups = value;
            return this;
        }

        public Builder bias(boolean value) {
            this.bias = value;
            return this;
        }

        public Builder dtype(DType value) {
            this.dtype = value;
            return this;
        }

        /** The generator for the initial weights (default: {@link Generator#defaultGenerator()}). */
        public Builder generator(Generator value) {
            this.generator = value;
            return this;
        }

        /** The settings, validated. */
        public Options options() {
            return new Options(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, dtype);
        }

        public Conv2d build() {
            return new Conv2d(options(), generator);
        }
    }

    private final Options options;
    private final Tensor weight;
    private final Tensor bias;

    /** {@code Conv2d(in, out, kernelSize)}: stride 1, no padding, bias, float32, default generator. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(builder(inChannels, outChannels, kernelSize).options(), null);
    }

    /** {@code Conv2d(in, out, kernelSize, stride, padding)} with the other settings at PyTorch's defaults. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(builder(inChannels, outChannels, kernelSize).stride(stride).padding(padding).options(), null);
    }

    /**
     * A layer with the given settings, initialised from {@code generator}.
     *
     * @param generator source of the initial weights; null for the default generator
     */
    public Conv2d(Options options, Generator generator) {
        this.options = options;
        IntPair k = options.kernelSize();
        this.weight = registerParameter("weight", Tensor.empty(options.dtype(), options.outChannels(),
                options.inChannels() / options.groups(), k.height(), k.width()));
        this.bias = registerParameter("bias", options.bias() ? Tensor.empty(options.dtype(), options.outChannels()) : null);
        resetParameters(generator);
    }

    /** A builder with a square kernel: {@code Conv2d.builder(3, 16, 3).padding(1).bias(false).build()}. */
    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, IntPair.of(kernelSize));
    }

    /** A builder with a rectangular kernel. */
    public static Builder builder(int inChannels, int outChannels, IntPair kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize);
    }

    /**
     * Re-draws the parameters as the constructor does (see the class documentation).
     *
     * @param generator source of the draws; null for the default generator
     */
    public void resetParameters(Generator generator) {
        Generator g = generator != null ? generator : Generator.defaultGenerator();
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            Init.kaimingUniform_(weight, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", g);
            if (bias != null) {
                int fanIn = Init.fans(weight).fanIn();
                if (fanIn != 0) {
                    double bound = 1 / Math.sqrt(fanIn);
                    Init.uniform_(bias, -bound, bound, g);
                }
            }
        }
    }

    /** The settings. */
    public Options options() {
        return options;
    }

    /** The weight parameter, shape {@code (C_out, C_in/groups, kH, kW)}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias parameter, shape {@code (C_out)}, or null without bias. */
    public Tensor bias() {
        return bias;
    }

    @Override
    protected Tensor compute(Tensor input) {
        Padding p = options.padding();
        int[] stride = options.stride().toArray();
        int[] dilation = options.dilation().toArray();
        if (p.isNamed()) {
            return Functional.conv2d(input, weight, bias, stride, p.name(), dilation, options.groups());
        }
        return Functional.conv2d(input, weight, bias, stride, p.amounts().toArray(), dilation, options.groups());
    }

    /** PyTorch's {@code extra_repr}: settings at their defaults are left out. */
    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder();
        s.append(options.inChannels()).append(", ").append(options.outChannels())
                .append(", kernel_size=").append(options.kernelSize())
                .append(", stride=").append(options.stride());
        if (!options.padding().equals(Padding.of(0))) {
            s.append(", padding=").append(options.padding());
        }
        if (!options.dilation().equals(IntPair.of(1))) {
            s.append(", dilation=").append(options.dilation());
        }
        if (options.groups() != 1) {
            s.append(", groups=").append(options.groups());
        }
        if (!options.bias()) {
            s.append(", bias=False");
        }
        return s.toString();
    }
}
