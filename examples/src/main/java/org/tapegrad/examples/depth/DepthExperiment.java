package org.tapegrad.examples.depth;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.examples.run.Experiment;
import org.tapegrad.examples.run.Parallel;
import org.tapegrad.examples.run.Progress;
import org.tapegrad.examples.run.Seeds;

/**
 * {@code depth}: the first seed article's 100-layer chain for every configuration in
 * {@link ChainConfig#all()}, plus the variance facts ({@link VarianceFacts}).
 *
 * <p>Each configuration draws from its own generator, seeded from {@code seed} and the configuration's
 * position in the article's list, so a configuration gives the same numbers whether it runs alone or
 * with the others, and the configurations can run in parallel.
 */
public final class DepthExperiment implements Experiment {
    /**
     * The experiment's settings.
     *
     * @param layers depth of each chain (the article: 100)
     * @param units width n (the article: 512)
     * @param trials trials averaged for the variance facts (the article: 10,000; 0 skips them)
     * @param configs configuration ids to run; empty for all
     */
    public record Options(int layers, int units, int trials, DType dtype, long seed, List<String> configs) {
        public Options {
            if (layers < 1) {
                throw new IllegalArgumentException("depth: --layers must be at least 1, got " + layers);
            }
            if (units < 2) {
                throw new IllegalArgumentException("depth: --units must be at least 2, got " + units);
            }
            if (trials < 0) {
                throw new IllegalArgumentException("depth: --trials must be at least 0, got " + trials);
            }
            if (dtype == null) {
                throw new IllegalArgumentException("depth: dtype is null");
            }
            configs = List.copyOf(configs == null ? List.of() : configs);
            ChainConfig.select(configs);
        }

        /** The article's sizes: 100 layers of 512 units, float32, 100 trials for the facts. */
        public static Options defaults() {
            return new Options(100, 512, 100, DType.FLOAT32, 0, List.of());
        }
    }

    /** The variance-fact trials run in this many batches (separate streams), so that they use every core. */
    static final int FACT_BATCHES = 2;

    private final Options options;

    public DepthExperiment(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "depth";
    }

    @Override
    public DepthOutcome run(Progress progress) {
        List<ChainConfig> configs = ChainConfig.select(options.configs());
        List<String> allIds = ChainConfig.ids();
        int factBatches = options.trials() == 0 ? 0 : Math.min(options.trials(), FACT_BATCHES);
        int total = configs.size() + factBatches;
        // One task per chain, then the variance-fact trials in batches, all on their own streams.
        List<Supplier<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            ChainConfig config = configs.get(i);
            int step = i + 1;
            long seed = Seeds.derive(options.seed(), allIds.indexOf(config.id()));
            tasks.add(() -> {
                progress.step(name(), step, total, config.label());
                return Chain.run(config, options.layers(), options.units(), options.dtype(), new Generator(seed));
            });
        }
        for (int b = 0; b < factBatches; b++) {
            int trials = options.trials() / factBatches + (b < options.trials() % factBatches ? 1 : 0);
            int step = configs.size() + b + 1;
            long seed = Seeds.derive(options.seed(), allIds.size() + b);
            tasks.add(() -> {
                progress.step(name(), step, total, "variance facts, " + trials + " trials");
                return VarianceFacts.sums(options.units(), trials, options.dtype(), new Generator(seed));
            });
        }
        List<Object> done = Parallel.map(tasks, Supplier::get);
        List<Chain.Result> results = new ArrayList<>();
        VarianceFacts.Sums sums = null;
        for (Object o : done) {
            if (o instanceof Chain.Result r) {
                results.add(r);
            } else {
                VarianceFacts.Sums batch = (VarianceFacts.Sums) o;
                sums = sums == null ? batch : sums.plus(batch);
            }
        }
        return new DepthOutcome(options, results, sums == null ? List.of() : sums.facts(options.units()));
    }
}
