package org.tapegrad.examples.seed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tapegrad.autograd.DType;
import org.tapegrad.examples.run.Experiment;
import org.tapegrad.examples.run.Parallel;
import org.tapegrad.examples.run.Progress;

/**
 * {@code conv}: the conv seed article's experiment ({@link SeedExperiment}) for each variant, every variant
 * on the same image, then the article's derivation checked on numbers ({@link KernelGradient}).
 * Inspectors ({@link VariantInspector}) may watch every run and add verdicts to the report.
 */
public final class ConvExperiment implements Experiment {
    /**
     * @param variants the variants to run, in the article's order
     * @param zeroGrad zero the gradients every epoch (the article does not: they accumulate)
     */
    public record Options(int epochs, int size, List<Variant> variants, boolean zeroGrad, double lr, double momentum,
            DType dtype, long seed) {
        public Options {
            if (variants == null || variants.isEmpty()) {
                throw new IllegalArgumentException("conv: no variant to run");
            }
            variants = variants.stream().distinct().sorted().toList();
            // Validates the numbers with the messages of SeedExperiment.Config.
            config(variants.get(0), epochs, size, zeroGrad, lr, momentum, dtype, seed);
        }

        /** The article's settings for every variant. */
        public static Options defaults() {
            return new Options(40, 224, List.of(Variant.values()), false, 1e-2, 0.1, DType.FLOAT32, 0);
        }

        /** The run of one variant. */
        public SeedExperiment.Config config(Variant variant) {
            return config(variant, epochs, size, zeroGrad, lr, momentum, dtype, seed);
        }

        private static SeedExperiment.Config config(Variant variant, int epochs, int size, boolean zeroGrad, double lr,
                double momentum, DType dtype, long seed) {
            return new SeedExperiment.Config(variant, epochs, size, lr, momentum, zeroGrad, dtype, seed, null, null,
                    null, List.of());
        }
    }

    private final Options options;
    private final List<VariantInspector> inspectors;

    public ConvExperiment(Options options) {
        this(options, List.of());
    }

    public ConvExperiment(Options options, List<VariantInspector> inspectors) {
        this.options = options;
        this.inspectors = List.copyOf(inspectors);
    }

    @Override
    public String name() {
        return "conv";
    }

    @Override
    public ConvOutcome run(Progress progress) {
        List<Variant> variants = options.variants();
        List<SeedExperiment.Result> results = Parallel.map(variants, variant -> {
            List<TrainingListener> listeners = new ArrayList<>();
            for (VariantInspector inspector : inspectors) {
                listeners.add(inspector.watch(variant));
            }
            SeedExperiment.Config config = options.config(variant).withListeners(listeners);
            progress.step(name(), variants.indexOf(variant) + 1, variants.size(), variant.description());
            int every = Math.max(1, options.epochs() / 4);
            return SeedExperiment.run(config, epoch -> {
                if ((epoch + 1) % every == 0 && epoch + 1 < options.epochs()) {
                    progress.note(String.format(Locale.ROOT, "conv %s: epoch %d/%d", variant, epoch + 1,
                            options.epochs()));
                }
            });
        });
        return new ConvOutcome(options, results, KernelGradient.example());
    }
}
