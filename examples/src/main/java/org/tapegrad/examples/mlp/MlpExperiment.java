package org.tapegrad.examples.mlp;

import java.util.ArrayList;
import java.util.List;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.examples.depth.Activation;
import org.tapegrad.examples.run.Experiment;
import org.tapegrad.examples.run.Parallel;
import org.tapegrad.examples.run.Progress;
import org.tapegrad.examples.run.Seeds;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;

/**
 * {@code mlp}: the fifth seed article's 100 × Linear(256, 256, bias=False) network on a batch of 16, first
 * with the article's six set-ups, then with every initialiser of the library ({@link LayerInit#library()})
 * on the tanh and the ReLU network. Each run draws from its own generator derived from the seed.
 */
public final class MlpExperiment implements Experiment {
    /**
     * @param layers number of Linear layers (the article: 100)
     * @param units width n (256)
     * @param batch rows of the input batch (16)
     * @param library also run every initialiser of the library on the tanh and ReLU networks
     */
    public record Options(int layers, int units, int batch, DType dtype, long seed, boolean library) {
        public Options {
            if (layers < 1) {
                throw new IllegalArgumentException("mlp: --layers must be at least 1, got " + layers);
            }
            if (units < 2) {
                throw new IllegalArgumentException("mlp: --units must be at least 2, got " + units);
            }
            if (batch < 2) {
                throw new IllegalArgumentException("mlp: --batch must be at least 2, got " + batch);
            }
            if (dtype == null) {
                throw new IllegalArgumentException("mlp: dtype is null");
            }
        }

        /** The article's sizes, float32, with the library sweep. */
        public static Options defaults() {
            return new Options(100, 256, 16, DType.FLOAT32, 0, true);
        }
    }

    /** One network to run: which group of the report it belongs to, its legend, weights and activation. */
    record Task(String group, String label, LayerInit.Filler init, Activation activation, int stream) {
    }

    static final String ARTICLE = "article";
    static final String LIBRARY = "library";

    private final Options options;

    public MlpExperiment(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "mlp";
    }

    /** The article's six set-ups; std √(1/n) is written as the article writes it. */
    static List<Task> articleTasks(int units) {
        double oneOverN = Math.sqrt(1.0 / units);
        double tanhGain = Init.calculateGain("tanh");
        return List.of(
                new Task(ARTICLE, "normal_(w, 0, 1), no activation", (w, g) -> Init.normal_(w, 0, 1, g),
                        Activation.LINEAR, 0),
                new Task(ARTICLE, "normal_(w, 0, √(1/n)), no activation", (w, g) -> Init.normal_(w, 0, oneOverN, g),
                        Activation.LINEAR, 1),
                new Task(ARTICLE, "normal_(w, 0, √(1/n)), tanh", (w, g) -> Init.normal_(w, 0, oneOverN, g),
                        Activation.TANH, 2),
                new Task(ARTICLE, "xavierUniform_(w, gain = calculateGain(\"tanh\")), tanh",
                        (w, g) -> Init.xavierUniform_(w, tanhGain, g), Activation.TANH, 3),
                new Task(ARTICLE, "normal_(w, 0, √(1/n)), relu", (w, g) -> Init.normal_(w, 0, oneOverN, g),
                        Activation.RELU, 4),
                new Task(ARTICLE, "kaimingNormal_(w, fan_in, \"relu\"), relu",
                        (w, g) -> Init.kaimingNormal_(w, 0, FanMode.FAN_IN, "relu", g), Activation.RELU, 5));
    }

    static List<Task> libraryTasks() {
        List<Task> tasks = new ArrayList<>();
        List<LayerInit> library = LayerInit.library();
        int stream = 100;
        for (Activation activation : List.of(Activation.TANH, Activation.RELU)) {
            for (LayerInit init : library) {
                tasks.add(new Task(LIBRARY, init.call(), init.filler(), activation, stream++));
            }
        }
        return tasks;
    }

    @Override
    public MlpOutcome run(Progress progress) {
        List<Task> tasks = new ArrayList<>(articleTasks(options.units()));
        if (options.library()) {
            tasks.addAll(libraryTasks());
        }
        int total = tasks.size();
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            indices.add(i);
        }
        List<Mlp.Result> results = Parallel.map(indices, i -> {
            Task t = tasks.get(i);
            progress.step(name(), i + 1, total, t.group().equals(LIBRARY) ? t.label() + ", " + t.activation()
                    : t.label());
            return Mlp.run(t.label(), t.init(), t.activation(), options.layers(), options.units(), options.batch(),
                    options.dtype(), new Generator(Seeds.derive(options.seed(), t.stream())));
        });
        List<Mlp.Result> article = new ArrayList<>();
        List<Mlp.Result> library = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            (tasks.get(i).group().equals(ARTICLE) ? article : library).add(results.get(i));
        }
        return new MlpOutcome(options, article, library);
    }
}
