package org.tapegrad.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.examples.seed.SeedNet;
import org.tapegrad.init.CaffeFiller;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;
import org.tapegrad.init.VarianceScaling;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sigmoid;
import org.tapegrad.nn.Tanh;
import org.tapegrad.nn.inspect.GradientFlowInspector;
import org.tapegrad.nn.inspect.GradientFlowReport;
import org.tapegrad.nn.inspect.LayerStats;
import org.tapegrad.nn.inspect.TensorSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code inspect}: builds one of the seed models with one of the library's initialisers, runs it forward and
 * backward once (after optional SGD steps) through {@link GradientFlowInspector}, and prints the per-layer
 * verdicts as a table or as JSON, optionally with a chart of the per-layer activation and gradient std.
 *
 * <h2>The seed models</h2>
 * <table>
 * <caption>--model</caption>
 * <tr><th>name</th><th>layers</th><th>input and loss</th></tr>
 * <tr><td>{@code conv}</td><td>the conv seed's {@link SeedNet}: conv1(3→3, 3×3, padding 1, no bias) → bn1 → relu →
 *     conv2(same) → bn2 → relu2</td>
 *     <td>randn(1, 3, S, S); cross entropy over the (1, 3, S, S) output against class 2 at every pixel</td></tr>
 * <tr><td>{@code single-conv}</td><td>conv2 alone (the seed's {@code single_conv} variant)</td>
 *     <td>as conv</td></tr>
 * <tr><td>{@code mlp}</td><td>depth × [Linear(width, width, no bias) → activation], default 100 × 256, tanh</td>
 *     <td>randn(16, width); cross entropy against random classes in [0, width)</td></tr>
 * <tr><td>{@code depth}</td><td>depth × Linear(width, width, no bias) [→ activation], default 100 × 512, none</td>
 *     <td>one vector randn(1, width); cross entropy against one random class</td></tr>
 * </table>
 * The initialiser fills every Linear/Conv2d weight; BatchNorm keeps γ = 1, β = 0. One generator seeded with
 * {@code --seed} draws the weights in layer order, then the input, then the labels.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Runs a seed model once and reports, per layer, what flows forward and backward, with a "
                + "verdict (dead, exploding, symmetric, saturated, vanishing or healthy) and its reason in words."})
final class InspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "conv",
            description = "conv, single-conv, mlp or depth (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(names = "--init", paramLabel = "NAME", defaultValue = "default",
            description = "the weight initialiser (default: ${DEFAULT-VALUE}); one of: ${COMPLETION-CANDIDATES}",
            completionCandidates = InitNames.class)
    private String init;

    @Option(names = "--activation", paramLabel = "NAME",
            description = "relu, tanh, sigmoid or none, for mlp (default tanh) and depth (default none)")
    private String activation;

    @Option(names = "--depth", paramLabel = "N", description = "layers of mlp and depth (default 100)")
    private Integer depth;

    @Option(names = "--width", paramLabel = "N", description = "units per layer (default: mlp 256, depth 512)")
    private Integer width;

    @Option(names = "--size", paramLabel = "S", defaultValue = "32",
            description = "image height and width for conv and single-conv (default: ${DEFAULT-VALUE})")
    private int size;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32",
            description = "float32 or float64 (default: ${DEFAULT-VALUE})")
    private String dtype;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "generator seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "0",
            description = "plain SGD steps on the batch before inspecting (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.01",
            description = "the learning rate of those steps (default: ${DEFAULT-VALUE})")
    private double learningRate;

    @Option(names = "--json", description = "print the report as JSON instead of a table")
    private boolean json;

    @Option(names = "--out", paramLabel = "DIR",
            description = "write a chart of the per-layer activation and gradient std (log scale) as DIR/inspect-MODEL-INIT.png")
    private Path out;

    @Override
    public Integer call() throws IOException {
        Setup setup;
        try {
            setup = new Setup(model, init, activation, depth, width, size, parseType(dtype), seed, steps, learningRate);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        GradientFlowReport report = inspect(setup);
        if (json) {
            System.out.println(report.toJson());
        } else {
            System.out.println("inspect: " + setup.describe());
            System.out.print(report.toTable());
        }
        if (out != null) {
            Path file = writeChart(report, setup.describe(), out.resolve("inspect-" + setup.model() + "-" + setup.init()
                    + ".png"));
            (json ? System.err : System.out).println("chart: " + file);
        }
        return 0;
    }

    private static DType parseType(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "float32":
                return DType.FLOAT32;
            case "float64":
                return DType.FLOAT64;
            default:
                throw new IllegalArgumentException("--dtype must be float32 or float64, got '" + name + "'");
        }
    }

    // ------------------------------------------------------------------ what to inspect

    /** The seed model names. */
    static final List<String> MODELS = List.of("conv", "single-conv", "mlp", "depth");

    /**
     * One inspection run: which seed model, with which initialiser and sizes. Null {@code activation},
     * {@code depth} or {@code width} take the model's default. This class is immutable.
     *
     * @param model        one of {@link #MODELS}
     * @param init         an {@link Initialiser} name
     * @param activation   relu, tanh, sigmoid or none (mlp and depth only), or null
     * @param depth        layers of mlp/depth, ≥ 1, or null
     * @param width        units per layer of mlp/depth, ≥ 1, or null
     * @param size         the conv image's height and width, ≥ 1
     * @param dtype        the element type of the model and data
     * @param seed         the generator seed
     * @param steps        SGD steps before the inspection, ≥ 0
     * @param learningRate their learning rate
     */
    record Setup(String model, String init, String activation, Integer depth, Integer width, int size, DType dtype,
            long seed, int steps, double learningRate) {
        Setup {
            if (!MODELS.contains(model)) {
                throw new IllegalArgumentException("--model must be one of " + MODELS + ", got '" + model + "'");
            }
            Initialiser.named(init);
            boolean conv = model.endsWith("conv");
            if (conv && activation != null) {
                throw new IllegalArgumentException("--activation applies to mlp and depth; the conv seed uses ReLU");
            }
            if (activation == null && !conv) {
                activation = model.equals("mlp") ? "tanh" : "none";
            }
            if (activation != null && !List.of("relu", "tanh", "sigmoid", "none").contains(activation)) {
                throw new IllegalArgumentException("--activation must be relu, tanh, sigmoid or none, got '" + activation
                        + "'");
            }
            depth = depth == null ? 100 : depth;
            width = width == null ? (model.equals("depth") ? 512 : 256) : width;
            if (depth < 1 || width < 1 || size < 1) {
                throw new IllegalArgumentException("--depth, --width and --size must be positive, got " + depth + ", "
                        + width + ", " + size);
            }
            if (steps < 0) {
                throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
            }
        }

        /** The seed model with PyTorch's defaults otherwise: float32, seed 0, no training steps, 32×32 images. */
        static Setup of(String model, String init) {
            return new Setup(model, init, null, null, null, 32, DType.FLOAT32, 0, 0, 0.01);
        }

        /** For example {@code "model conv (32×32), init zeros, float32, seed 0"}. */
        String describe() {
            String shape = model.endsWith("conv") ? size + "×" + size : depth + " × " + width + ", " + activation;
            return "model " + model + " (" + shape + "), init " + init + ", " + dtype + ", seed " + seed
                    + (steps > 0 ? ", " + steps + " SGD steps at lr " + learningRate : "");
        }
    }

    /**
     * Builds the seed model of {@code setup} and inspects it: the entry point for reports (for example
     * {@code inspect(Setup.of("conv", "zeros")).toMarkdown()}).
     */
    static GradientFlowReport inspect(Setup setup) {
        Generator g = new Generator(setup.seed());
        Initialiser initialiser = Initialiser.named(setup.init());
        DType type = setup.dtype();
        Module net;
        Tensor input;
        Tensor target;
        switch (setup.model()) {
            case "conv":
            case "single-conv": {
                SeedNet seedNet = new SeedNet(setup.model().equals("single-conv"), type, g);
                if (!seedNet.singleConv()) {
                    initialiser.fill(seedNet.conv1().weight(), g);
                }
                initialiser.fill(seedNet.conv2().weight(), g);
                net = seedNet;
                input = Tensor.randn(g, type, 1, 3, setup.size(), setup.size());
                long[] labels = new long[setup.size() * setup.size()];
                Arrays.fill(labels, 2);
                target = Tensor.ofIndices(labels, 1, setup.size(), setup.size());
                break;
            }
            default: {
                int batch = setup.model().equals("mlp") ? 16 : 1;
                net = stack(setup.depth(), setup.width(), setup.activation(), initialiser, type, g);
                input = Tensor.randn(g, type, batch, setup.width());
                long[] labels = new long[batch];
                for (int i = 0; i < batch; i++) {
                    labels[i] = g.nextInt(setup.width());
                }
                target = Tensor.ofIndices(labels, batch);
                break;
            }
        }
        return GradientFlowInspector.inspect(net, input, target, new CrossEntropyLoss()::forward, setup.steps(),
                setup.learningRate());
    }

    /** Children run in registration order under readable names (conv1, fc0, …), unlike Sequential's 0, 1, …. */
    static final class Chain extends Module {
        Chain add(String name, Module module) {
            registerModule(name, module);
            return this;
        }

        @Override
        protected Tensor compute(Tensor input) {
            Tensor x = input;
            for (Module m : namedChildren().values()) {
                x = m.forward(x);
            }
            return x;
        }
    }

    /** {@code depth × [Linear(width, width, no bias) → activation]}, named fc0, act0, fc1, …. */
    private static Chain stack(int depth, int width, String activation, Initialiser initialiser, DType type,
            Generator g) {
        Supplier<Module> act = switch (activation) {
            case "relu" -> ReLU::new;
            case "tanh" -> Tanh::new;
            case "sigmoid" -> Sigmoid::new;
            default -> null;
        };
        Chain chain = new Chain();
        for (int i = 0; i < depth; i++) {
            Linear fc = Linear.builder(width, width).bias(false).dtype(type).generator(g).build();
            initialiser.fill(fc.weight(), g);
            chain.add("fc" + i, fc);
            if (act != null) {
                chain.add("act" + i, act.get());
            }
        }
        return chain;
    }

    // ------------------------------------------------------------------ initialisers

    /** Every initialiser of the library, by its command-line name. */
    enum Initialiser {
        ZEROS("zeros", "all 0: Init.zeros_", (w, g) -> Init.zeros_(w)),
        ONES("ones", "all 1: Init.ones_", (w, g) -> Init.ones_(w)),
        CONST5("const5", "all 5: Init.constant_(w, 5)", (w, g) -> Init.constant_(w, 5.0)),
        NORMAL("normal", "N(0, 1): Init.normal_", (w, g) -> Init.normal_(w, 0.0, 1.0, g)),
        SCALED001("scaled001", "N(0, 1) × 0.01, the article's small random weights", (w, g) -> {
            Init.normal_(w, 0.0, 1.0, g);
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                w.mulInPlace(0.01);
            }
        }),
        UNIFORM01("uniform01", "U(0, 1): Init.uniform_", (w, g) -> Init.uniform_(w, 0.0, 1.0, g)),
        UNIFORM("uniform", "U(-1, 1): Init.uniform_(w, -1, 1)", (w, g) -> Init.uniform_(w, -1.0, 1.0, g)),
        TRUNCATED_NORMAL("truncated-normal", "N(0, 1) cut to [-2, 2]: Init.truncNormal_",
                (w, g) -> Init.truncNormal_(w, 0.0, 1.0, -2.0, 2.0, g)),
        XAVIER_UNIFORM("xavier-uniform", "Init.xavierUniform_, gain 1", (w, g) -> Init.xavierUniform_(w, 1.0, g)),
        XAVIER_NORMAL("xavier-normal", "Init.xavierNormal_, gain 1", (w, g) -> Init.xavierNormal_(w, 1.0, g)),
        KAIMING_UNIFORM("kaiming-uniform", "Init.kaimingUniform_, fan_in, relu",
                (w, g) -> Init.kaimingUniform_(w, 0.0, FanMode.FAN_IN, "relu", g)),
        KAIMING_NORMAL("kaiming-normal", "Init.kaimingNormal_, fan_in, relu",
                (w, g) -> Init.kaimingNormal_(w, 0.0, FanMode.FAN_IN, "relu", g)),
        KAIMING_NORMAL_FAN_OUT("kaiming-normal-fan-out", "Init.kaimingNormal_, fan_out, relu",
                (w, g) -> Init.kaimingNormal_(w, 0.0, FanMode.FAN_OUT, "relu", g)),
        ORTHOGONAL("orthogonal", "Init.orthogonal_, gain 1", (w, g) -> Init.orthogonal_(w, 1.0, g)),
        IDENTITY("identity", "Init.eye_ (Linear) or Init.dirac_ (Conv2d)",
                (w, g) -> {
                    if (w.dim() == 2) {
                        Init.eye_(w);
                    } else {
                        Init.dirac_(w);
                    }
                }),
        LECUN_NORMAL("lecun-normal", "Keras VarianceScaling.lecunNormal (truncated)",
                (w, g) -> VarianceScaling.lecunNormal().fill(w, g)),
        LECUN_UNIFORM("lecun-uniform", "Keras VarianceScaling.lecunUniform",
                (w, g) -> VarianceScaling.lecunUniform().fill(w, g)),
        GLOROT_NORMAL("glorot-normal", "Keras VarianceScaling.glorotNormal (truncated)",
                (w, g) -> VarianceScaling.glorotNormal().fill(w, g)),
        GLOROT_UNIFORM("glorot-uniform", "Keras VarianceScaling.glorotUniform",
                (w, g) -> VarianceScaling.glorotUniform().fill(w, g)),
        HE_NORMAL("he-normal", "Keras VarianceScaling.heNormal (truncated)",
                (w, g) -> VarianceScaling.heNormal().fill(w, g)),
        HE_UNIFORM("he-uniform", "Keras VarianceScaling.heUniform", (w, g) -> VarianceScaling.heUniform().fill(w, g)),
        CAFFE_XAVIER("caffe-xavier", "Caffe's xavier filler (FAN_IN: LeCun uniform)",
                (w, g) -> CaffeFiller.xavier().fill(w, g)),
        CAFFE_MSRA("caffe-msra", "Caffe's msra filler (FAN_IN)", (w, g) -> CaffeFiller.msra().fill(w, g)),
        DEFAULT("default", "PyTorch's Linear/Conv2d default: Init.kaimingUniform_(w, a=√5), U(±1/√fan_in)",
                (w, g) -> Init.kaimingUniform_(w, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", g));

        final String cliName;
        final String description;
        private final BiConsumer<Tensor, Generator> fill;

        Initialiser(String cliName, String description, BiConsumer<Tensor, Generator> fill) {
            this.cliName = cliName;
            this.description = description;
            this.fill = fill;
        }

        /** Fills {@code weight} in place (under no-grad) from {@code g}. */
        void fill(Tensor weight, Generator g) {
            fill.accept(weight, g);
        }

        /** @throws IllegalArgumentException for an unknown name; the message lists the known ones */
        static Initialiser named(String name) {
            for (Initialiser i : values()) {
                if (i.cliName.equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("--init: unknown initialiser '" + name + "'; known: " + names());
        }

        static List<String> names() {
            List<String> names = new ArrayList<>();
            for (Initialiser i : values()) {
                names.add(i.cliName);
            }
            return names;
        }
    }

    /** The initialiser names, for picocli's {@code ${COMPLETION-CANDIDATES}}. */
    static final class InitNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Initialiser.names().iterator();
        }
    }

    // ------------------------------------------------------------------ chart

    /**
     * Draws the per-layer activation std, the std of the gradient at each layer's output and the weight-gradient
     * std on a log scale (log10 of the std on a linear axis, which stays readable across the 80 decades a
     * vanishing stack spans), and writes it as a PNG. Values that have no logarithm (0, NaN, ±Infinity) are left
     * out of their series; the title says when nothing was left to draw.
     *
     * @param report not modified
     * @param title  the chart's subtitle, for example {@link Setup#describe()}
     * @param file   the PNG to write; its directory is created if needed
     * @return {@code file}
     * @throws IOException if it cannot be written
     */
    static Path writeChart(GradientFlowReport report, String title, Path file) throws IOException {
        List<LayerStats> layers = report.layers();
        List<String> series = List.of("activation std", "std of the gradient at the layer output", "weight-gradient std");
        List<List<double[]>> points = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            List<double[]> xy = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                LayerStats l = layers.get(i);
                TensorSummary wg = l.weightGradient();
                double y = switch (s) {
                    case 0 -> l.activationValues().std();
                    case 1 -> l.outputGradientStd();
                    default -> wg == null ? 0.0 : wg.std();
                };
                if (y > 0 && Double.isFinite(y)) {
                    xy.add(new double[] {i, Math.log10(y)});
                }
            }
            points.add(xy);
        }
        boolean empty = points.stream().allMatch(List::isEmpty);
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("Gradient flow: " + title + (empty ? " (every std is 0 or not finite: nothing to draw)" : ""))
                .xAxisTitle("layer, in forward order (std 0, NaN or ±Infinity: no point)")
                .yAxisTitle("log10(std)").build();
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax((double) Math.max(1, layers.size() - 1));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        for (int s = 0; s < series.size(); s++) {
            List<double[]> xy = points.get(s);
            if (xy.isEmpty()) {
                continue;
            }
            double[] x = new double[xy.size()];
            double[] y = new double[xy.size()];
            for (int i = 0; i < xy.size(); i++) {
                x[i] = xy.get(i)[0];
                y[i] = xy.get(i)[1];
            }
            chart.addSeries(series.get(s), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        if (empty) {
            chart.addSeries("nothing to draw", new double[] {0}, new double[] {0});
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream stream = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, stream, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }
}
