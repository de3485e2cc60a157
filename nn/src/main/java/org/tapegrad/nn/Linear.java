package org.tapegrad.nn;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Matmul;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;

/**
 * A fully connected layer, {@code y = x·Wᵀ + b}, PyTorch's {@code nn.Linear}.
 *
 * <h2>Shapes</h2>
 * <ul>
 *   <li>input: {@code (*, in_features)}, any number of leading dimensions</li>
 *   <li>{@code weight}: {@code (out_features, in_features)}</li>
 *   <li>{@code bias}: {@code (out_features)}, absent when {@code bias=false}</li>
 *   <li>output: {@code (*, out_features)}</li>
 * </ul>
 *
 * <h2>Initialisation</h2>
 * As PyTorch's {@code reset_parameters}: the weight from {@code kaimingUniform_(a=√5)}, which is
 * U(−1/√in_features, 1/√in_features); then the bias from the same interval (0 when in_features is 0).
 * The weight is drawn first, then the bias, from the generator given (the default generator if none).
 */
public final class Linear extends Module {

    /**
     * The settings of a {@link Linear} layer. This class is immutable.
     *
     * @param inFeatures size of each input sample, ≥ 0
     * @param outFeatures size of each output sample, ≥ 0
     * @param bias whether the layer adds a learnable bias (PyTorch default true)
     * @param dtype the parameters' element type (default float32)
     */
    public record Options(int inFeatures, int outFeatures, boolean bias, DType dtype) {
        public Options {
            if (inFeatures < 0) {
                throw new IllegalArgumentException("Linear: in_features must be non-negative, got " + inFeatures);
            }
            if (outFeatures < 0) {
                throw new IllegalArgumentException("Linear: out_features must be non-negative, got " + outFeatures);
            }
            if (dtype == null) {
                throw new NullPointerException("Linear: dtype is null");
            }
        }

        /** PyTorch's defaults: with bias, float32. */
        public Options(int inFeatures, int outFeatures) {
            this(inFeatures, outFeatures, true, DType.FLOAT32);
        }
    }

    /** Collects the settings of a {@link Linear}; {@link #build()} validates them. */
    public static final class Builder {
        private final int inFeatures;
        private final int outFeatures;
        private boolean bias = true;
        private DType dtype = DType.FLOAT32;
        private Generator generator;

        private Builder(int inFeatures, int outFeatures) {
            this.inFeatures = inFeatures;
            this.outFeatures = outFeatures;
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

        public Linear build() {
            return new Linear(new Options(inFeatures, outFeatures, bias, dtype), generator);
        }
    }

    private final Options options;
    private final Tensor weight;
    private final Tensor bias;

    /** {@code Linear(inFeatures, outFeatures)} with PyTorch's defaults (bias, float32, default generator). */
    public Linear(int inFeatures, int outFeatures) {
        this(new Options(inFeatures, outFeatures), null);
    }

    /** {@code Linear(inFeatures, outFeatures, bias)}, float32, default generator. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(new Options(inFeatures, outFeatures, bias, DType.FLOAT32), null);
    }

    /**
     * A layer with the given settings, initialised from {@code generator}.
     *
     * @param generator source of the initial weights; null for the default generator
     */
    public Linear(Options options, Generator generator) {
        this.options = options;
        this.weight = registerParameter("weight",
                Tensor.empty(options.dtype(), options.outFeatures(), options.inFeatures()));
        this.bias = registerParameter("bias", options.bias() ? Tensor.empty(options.dtype(), options.outFeatures()) : null);
        resetParameters(generator);
    }

    /** A builder for the settings beyond the two sizes: {@code Linear.builder(10, 4).bias(false).build()}. */
    public static Builder builder(int inFeatures, int outFeatures) {
        return new Builder(inFeatures, outFeatures);
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
                double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
                Init.uniform_(bias, -bound, bound, g);
            }
        }
    }

    /** The settings. */
    public Options options() {
        return options;
    }

    /** The weight parameter, shape {@code (out_features, in_features)}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias parameter, shape {@code (out_features)}, or null without bias. */
    public Tensor bias() {
        return bias;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return Matmul.linear(input, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + options.inFeatures() + ", out_features=" + options.outFeatures() + ", bias="
                + PyFormat.repr(options.bias());
    }
}
