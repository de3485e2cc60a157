package org.tapegrad.nn;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;

/**
 * Batch normalisation over the channels of a 4-D input, PyTorch's {@code nn.BatchNorm2d}:
 * {@code y = (x − μ_c)/√(σ²_c + eps)·γ_c + β_c} per channel c.
 *
 * <h2>Shapes</h2>
 * <ul>
 *   <li>input: {@code (N, C, H, W)}; output: the same shape</li>
 *   <li>{@code weight} γ and {@code bias} β: {@code (C)}, absent when {@code affine=false}</li>
 *   <li>buffers {@code running_mean}, {@code running_var}: {@code (C)}; {@code num_batches_tracked}: {@code ()}
 *       (a float64 0-d tensor holding a whole number, saved as int64); all absent when
 *       {@code trackRunningStats=false}</li>
 * </ul>
 *
 * <h2>Which statistics</h2>
 * <table>
 *   <caption>statistics used and buffers updated</caption>
 *   <tr><th>mode</th><th>normalise with</th><th>update buffers</th></tr>
 *   <tr><td>training, tracking</td><td>batch statistics</td><td>yes: {@code num_batches_tracked += 1}, then
 *       {@code running ← f·batch + (1−f)·running} with the unbiased batch variance</td></tr>
 *   <tr><td>training, not tracking</td><td>batch statistics</td><td>no buffers</td></tr>
 *   <tr><td>eval, tracking</td><td>running statistics</td><td>no</td></tr>
 *   <tr><td>eval, not tracking</td><td><b>batch statistics</b></td><td>no buffers</td></tr>
 * </table>
 * The factor f is {@code momentum}, or {@code 1/num_batches_tracked} (after the increment) when momentum
 * is null: a cumulative average, so the first batch replaces the initial 0/1 statistics entirely.
 *
 * <h2>Initialisation</h2>
 * γ = 1, β = 0, running_mean = 0, running_var = 1, num_batches_tracked = 0; nothing random.
 */
public final class BatchNorm2d extends Module {

    /**
     * The settings of a {@link BatchNorm2d}. This class is immutable.
     *
     * @param numFeatures the number of channels C, positive
     * @param eps added to the variance for stability, positive (PyTorch default 1e-5)
     * @param momentum the running-statistics factor in [0, 1] (default 0.1), or null for a cumulative average
     * @param affine whether there are learnable γ and β (default true)
     * @param trackRunningStats whether running statistics are kept (default true)
     * @param dtype the element type of the parameters and running statistics
     */
    public record Options(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
            DType dtype) {
        public Options {
            if (numFeatures <= 0) {
                throw new IllegalArgumentException("BatchNorm2d: num_features must be positive, got " + numFeatures);
            }
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("BatchNorm2d: batch_norm eps must be positive, but got "
                        + PyFormat.repr(eps));
            }
            if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("BatchNorm2d: momentum must be in [0, 1], or null for a cumulative "
                        + "moving average, but got " + PyFormat.repr(momentum));
            }
            if (dtype == null) {
                throw new NullPointerException("BatchNorm2d: dtype is null");
            }
        }

        /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics, float32. */
        public Options(int numFeatures) {
            this(numFeatures, 1e-5, 0.1, true, true, DType.FLOAT32);
        }
    }

    /** Collects the settings of a {@link BatchNorm2d} with PyTorch's defaults; {@link #build()} validates them. */
    public static final class Builder {
        private final int numFeatures;
        private double eps = 1e-5;
        private Double momentum = 0.1;
        private boolean affine = true;
        private boolean trackRunningStats = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int numFeatures) {
            this.numFeatures = numFeatures;
        }

        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        /** The running-statistics factor; null for a cumulative moving average. */
        public Builder momentum(Double value) {
            this.momentum = value;
            return this;
        }

        public Builder affine(boolean value) {
            this.affine = value;
            return this;
        }

        public Builder trackRunningStats(boolean value) {
            this.trackRunningStats = value;
            return this;
        }

        public Builder dtype(DType value) {
            this.dtype = value;
            return this;
        }

        public BatchNorm2d build() {
            return new BatchNorm2d(new Options(numFeatures, eps, momentum, affine, trackRunningStats, dtype));
        }
    }

    private final Options options;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    /** {@code BatchNorm2d(numFeatures)} with PyTorch's defaults. */
    public BatchNorm2d(int numFeatures) {
        this(new Options(numFeatures));
    }

    /** A layer with the given settings. */
    public BatchNorm2d(Options options) {
        this.options = options;
        int c = options.numFeatures();
        DType dtype = options.dtype();
        this.weight = registerParameter("weight", options.affine() ? Tensor.ones(dtype, c) : null);
        this.bias = registerParameter("bias", options.affine() ? Tensor.zeros(dtype, c) : null);
        boolean track = options.trackRunningStats();
        this.runningMean = registerBuffer("running_mean", track ? Tensor.zeros(dtype, c) : null);
        this.runningVar = registerBuffer("running_var", track ? Tensor.ones(dtype, c) : null);
        this.numBatchesTracked = registerIntegerBuffer("num_batches_tracked",
                track ? Tensor.zeros(DType.FLOAT64) : null);
    }

    /** A builder: {@code BatchNorm2d.builder(16).momentum(null).affine(false).build()}. */
    public static Builder builder(int numFeatures) {
        return new Builder(numFeatures);
    }

    /** Sets running_mean to 0, running_var to 1 and num_batches_tracked to 0 (when tracking). */
    public void resetRunningStats() {
        if (options.trackRunningStats()) {
            runningMean.zero();
            runningVar.fill(1.0);
            numBatchesTracked.zero();
        }
    }

    /** {@link #resetRunningStats()}, and γ = 1, β = 0 (when affine). */
    public void resetParameters() {
        resetRunningStats();
        if (options.affine()) {
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                weight.fill(1.0);
                bias.zero();
            }
        }
    }

    /** The settings. */
    public Options options() {
        return options;
    }

    /** γ, shape {@code (C)}, or null when not affine. */
    public Tensor weight() {
        return weight;
    }

    /** β, shape {@code (C)}, or null when not affine. */
    public Tensor bias() {
        return bias;
    }

    /** The running mean, shape {@code (C)}, or null when not tracking. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance, shape {@code (C)}, or null when not tracking. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** How many training batches have updated the running statistics (0 when not tracking). */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? 0 : (long) numBatchesTracked.item();
    }

    @Override
    protected Tensor compute(Tensor input) {
        if (input.dim() != 4) {
            throw new IllegalArgumentException("BatchNorm2d: expected 4D input (got " + input.dim() + "D input)");
        }
        boolean track = options.trackRunningStats();
        double factor = 0.0;
        if (isTraining() && track) {
            numBatchesTracked.addInPlace(1.0);
            factor = options.momentum() == null ? 1.0 / numBatchesTracked.item() : options.momentum();
        }
        // Batch statistics in training, and also in eval when there are no running statistics to use.
        boolean useBatchStats = isTraining() || !track;
        return Functional.batchNorm(input, track ? runningMean : null, track ? runningVar : null, weight, bias,
                useBatchStats, factor, options.eps());
    }

    @Override
    protected String extraRepr() {
        return options.numFeatures() + ", eps=" + PyFormat.repr(options.eps()) + ", momentum="
                + PyFormat.repr(options.momentum()) + ", affine=" + PyFormat.repr(options.affine())
                + ", track_running_stats=" + PyFormat.repr(options.trackRunningStats());
    }
}
