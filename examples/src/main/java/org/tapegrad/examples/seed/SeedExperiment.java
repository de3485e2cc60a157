package org.tapegrad.examples.seed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.examples.run.Seeds;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.optim.SGD;

/**
 * The conv seed article's training experiment, reusable on its own (the conformance runner replays the
 * PyTorch reference cases {@code seedexp_*} through it):
 * <pre>
 *   model = SeedNet (two convs, or conv2 alone); initialise the conv weights
 *   label = 2 at every pixel; criterion = CrossEntropyLoss(); optimiser = SGD(all parameters, lr, momentum)
 *   for epoch in 0 .. epochs-1:
 *       if zeroGrad: optimiser.zeroGrad()          (the article never does: gradients accumulate)
 *       loss = criterion(model(image), label); loss.backward()
 *       record loss, mean and unbiased variance of each conv weight
 *       optimiser.step()
 * </pre>
 * The record is taken after the backward pass and before the step, as in the article's script.
 */
public final class SeedExperiment {
    /** The class every pixel is labelled with. */
    public static final int LABEL = 2;

    private SeedExperiment() {
    }

    /**
     * One run's settings. {@code image}, {@code conv1W0} and {@code conv2W0} are optional: when null the
     * image is {@code randn(1, 3, size, size)} from the seed and the weights come from the variant; when
     * given they are copied (rounded to {@code dtype}) and {@code size} must match the image. {@code conv1W0}
     * is ignored by the single-conv model.
     */
    public record Config(Variant variant, int epochs, int size, double lr, double momentum, boolean zeroGrad,
            DType dtype, long seed, Tensor image, Tensor conv1W0, Tensor conv2W0, List<TrainingListener> listeners) {
        public Config {
            if (variant == null) {
                throw new IllegalArgumentException("conv: variant is null");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("conv: --epochs must be at least 1, got " + epochs);
            }
            if (size < 2) {
                throw new IllegalArgumentException("conv: --size must be at least 2 (BatchNorm needs more than one "
                        + "value per channel), got " + size);
            }
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("conv: --lr must be a finite number ≥ 0, got " + lr);
            }
            if (!(momentum >= 0) || Double.isInfinite(momentum)) {
                throw new IllegalArgumentException("conv: --momentum must be a finite number ≥ 0, got " + momentum);
            }
            if (dtype == null) {
                throw new IllegalArgumentException("conv: dtype is null");
            }
            int[] imageShape = {1, SeedNet.CHANNELS, size, size};
            if (image != null && !Arrays.equals(image.shape(), imageShape)) {
                throw new IllegalArgumentException("conv: the image must have shape " + Arrays.toString(imageShape)
                        + ", got " + Arrays.toString(image.shape()));
            }
            int[] weightShape = {SeedNet.CHANNELS, SeedNet.CHANNELS, 3, 3};
            for (Tensor w : new Tensor[] {conv1W0, conv2W0}) {
                if (w != null && !Arrays.equals(w.shape(), weightShape)) {
                    throw new IllegalArgumentException("conv: an initial conv weight must have shape "
                            + Arrays.toString(weightShape) + ", got " + Arrays.toString(w.shape()));
                }
            }
            listeners = List.copyOf(listeners == null ? List.of() : listeners);
        }

        /** The article's settings for {@code variant}: 40 epochs, 224×224, lr 1e-2, momentum 0.1, no zero_grad, float32. */
        public static Config article(Variant variant, long seed) {
            return new Config(variant, 40, 224, 1e-2, 0.1, false, DType.FLOAT32, seed, null, null, null, List.of());
        }

        public Config withEpochs(int value) {
            return new Config(variant, value, size, lr, momentum, zeroGrad, dtype, seed, image, conv1W0, conv2W0,
                    listeners);
        }

        public Config withSize(int value) {
            return new Config(variant, epochs, value, lr, momentum, zeroGrad, dtype, seed, image, conv1W0, conv2W0,
                    listeners);
        }

        public Config withOptimizer(double newLr, double newMomentum, boolean newZeroGrad) {
            return new Config(variant, epochs, size, newLr, newMomentum, newZeroGrad, dtype, seed, image, conv1W0,
                    conv2W0, listeners);
        }

        public Config withDtype(DType value) {
            return new Config(variant, epochs, size, lr, momentum, zeroGrad, value, seed, image, conv1W0, conv2W0,
                    listeners);
        }

        /** Explicit starting point: the image (its size becomes {@code size}) and both initial conv weights. */
        public Config withStart(Tensor newImage, Tensor newConv1W0, Tensor newConv2W0) {
            int newSize = newImage == null ? size : newImage.size(-1);
            return new Config(variant, epochs, newSize, lr, momentum, zeroGrad, dtype, seed, newImage, newConv1W0,
                    newConv2W0, listeners);
        }

        public Config withListeners(List<TrainingListener> value) {
            return new Config(variant, epochs, size, lr, momentum, zeroGrad, dtype, seed, image, conv1W0, conv2W0,
                    value);
        }
    }

    /**
     * What one run recorded. Per-epoch arrays have one value per epoch; the conv1 series are NaN for the
     * single-conv model, and its conv1 tensors are null. Final gradients are those of the last backward
     * pass (accumulated over every epoch unless {@code zeroGrad}); null if the parameter never got one.
     *
     * @param conv1EverNonZeroGrad whether any backward pass left a non-zero value in conv1's weight gradient
     * @param conv1MaxAbsGrad the largest |gradient| conv1's weight ever held
     */
    public record Result(Config config, SeedNet net, double[] losses, double[] conv1Mean, double[] conv1Var,
            double[] conv2Mean, double[] conv2Var, Tensor conv1W0, Tensor conv2W0, Tensor conv1WFinal,
            Tensor conv2WFinal, Tensor conv1GradFinal, Tensor conv2GradFinal, Tensor bn2WeightFinal,
            Tensor bn2BiasFinal, boolean conv1EverNonZeroGrad, boolean conv2EverNonZeroGrad, double conv1MaxAbsGrad,
            double conv2MaxAbsGrad) {
    }

    /** Runs {@code config}; see the class documentation. */
    public static Result run(Config config) {
        return run(config, epoch -> { });
    }

    /**
     * Runs {@code config}, calling {@code afterEpoch} with each finished epoch's index (for progress).
     */
    public static Result run(Config config, IntConsumer afterEpoch) {
        DType dtype = config.dtype();
        Variant variant = config.variant();
        int size = config.size();
        Tensor image = config.image() != null ? config.image().to(dtype).detach()
                : Tensor.randn(new Generator(Seeds.derive(config.seed(), 0)), dtype, 1, SeedNet.CHANNELS, size, size);
        long[] labels = new long[size * size];
        Arrays.fill(labels, LABEL);
        Tensor target = Tensor.ofIndices(labels, 1, size, size);

        Generator weights = new Generator(Seeds.derive(config.seed(), 1 + variant.ordinal()));
        SeedNet net = new SeedNet(variant.singleConv(), dtype, weights);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            if (net.conv1() != null) {
                start(net.conv1().weight(), config.conv1W0(), variant, weights);
            }
            start(net.conv2().weight(), config.conv2W0(), variant, weights);
        }
        Tensor conv1W0 = net.conv1() == null ? null : net.conv1().weight().copy();
        Tensor conv2W0 = net.conv2().weight().copy();
        for (TrainingListener l : config.listeners()) {
            l.modelBuilt(net);
        }

        CrossEntropyLoss criterion = new CrossEntropyLoss();
        SGD optimizer = new SGD(net.parameters(), new SGD.Options(config.lr(), config.momentum(), 0, 0, false, false));
        int epochs = config.epochs();
        double[] losses = new double[epochs];
        double[][] stats = new double[4][epochs];
        boolean[] everNonZero = new boolean[2];
        double[] maxAbs = new double[2];
        for (int epoch = 0; epoch < epochs; epoch++) {
            if (config.zeroGrad()) {
                optimizer.zeroGrad();
            }
            Tensor loss = criterion.forward(net.forward(image), target);
            loss.backward();
            losses[epoch] = loss.item();
            Tensor[] convWeights = {net.conv1() == null ? null : net.conv1().weight(), net.conv2().weight()};
            for (int c = 0; c < 2; c++) {
                Tensor w = convWeights[c];
                stats[2 * c][epoch] = w == null ? Double.NaN : w.mean().item();
                stats[2 * c + 1][epoch] = w == null ? Double.NaN : w.var().item();
                if (w != null && w.grad() != null) {
                    double m = w.grad().abs().max().item();
                    maxAbs[c] = Math.max(maxAbs[c], m);
                    everNonZero[c] |= m > 0;
                }
            }
            for (TrainingListener l : config.listeners()) {
                l.afterBackward(epoch, net, losses[epoch]);
            }
            optimizer.step();
            afterEpoch.accept(epoch);
        }
        Tensor conv1 = net.conv1() == null ? null : net.conv1().weight();
        Tensor conv2 = net.conv2().weight();
        return new Result(config, net, losses, stats[0], stats[1], stats[2], stats[3], conv1W0, conv2W0,
                copy(conv1), conv2.copy(), conv1 == null ? null : copy(conv1.grad()), copy(conv2.grad()),
                net.bn2() == null ? null : net.bn2().weight().copy(), net.bn2() == null ? null : net.bn2().bias().copy(),
                everNonZero[0], everNonZero[1], net.conv1() == null ? Double.NaN : maxAbs[0], maxAbs[1]);
    }

    private static void start(Tensor weight, Tensor given, Variant variant, Generator generator) {
        if (given != null) {
            weight.copyFrom(given.to(weight.dtype()));
        } else {
            variant.initialise(weight, generator);
        }
    }

    private static Tensor copy(Tensor t) {
        return t == null ? null : t.copy();
    }

    /**
     * How many of a conv weight's output filters differ: filters closer than {@code 1e-6·max|w|} (float
     * rounding) count as one. A constant start gives 1 until something tells the filters apart.
     */
    public static int distinctFilters(Tensor convWeight) {
        double[] w = convWeight.toDoubleArray();
        int filters = convWeight.size(0);
        int perFilter = w.length / filters;
        double scale = 0;
        for (double v : w) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tolerance = 1e-6 * scale;
        List<Integer> representatives = new ArrayList<>();
        for (int o = 0; o < filters; o++) {
            boolean seen = false;
            for (int r : representatives) {
                double d = 0;
                for (int i = 0; i < perFilter; i++) {
                    d = Math.max(d, Math.abs(w[o * perFilter + i] - w[r * perFilter + i]));
                }
                seen |= d <= tolerance;
            }
            if (!seen) {
                representatives.add(o);
            }
        }
        return representatives.size();
    }

    /** The per-epoch series of a result, in the order of the five-panel chart. */
    public static List<double[]> series(Result r) {
        List<double[]> s = new ArrayList<>();
        s.add(r.losses());
        s.add(r.conv1Mean());
        s.add(r.conv1Var());
        s.add(r.conv2Mean());
        s.add(r.conv2Var());
        return s;
    }
}
