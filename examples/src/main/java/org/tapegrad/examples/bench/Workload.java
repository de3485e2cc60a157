package org.tapegrad.examples.bench;

import java.util.Locale;
import org.tapegrad.autograd.DType;

/**
 * The benchmark's workloads, each with the JSON key its median is reported under. All are float32 unless
 * named. {@link #prepare} builds a workload's data and model once (untimed); the returned
 * {@link Runnable} is one timed run.
 */
public enum Workload {
    /** The conv seed experiment's kaiming variant with the article's loop ({@link SeedWorkload}). */
    SEEDEXP("seedexp", "seedexp_40epochs_s", false),
    /** {@code x ← relu(W_i·x)} through pre-drawn Kaiming matrices, forward only ({@link ChainWorkload}). */
    CHAIN("chain", "chain100x512_matvec_only_s", false),
    /** Forward, {@code sum()} and backward through the deep bias-free MLP ({@link MlpWorkload}). */
    MLP("mlp", "mlp100x256_b16_fwd_bwd_s", false),
    /** Training steps of a small CNN on MNIST-sized input ({@link SmallCnn}). */
    CNN("cnn", "cnn_mnist_b64_10steps_s", false),
    /** A square float32 matrix product, reported in GFLOPS ({@link MatmulWorkload}). */
    MATMUL_F32("matmul-f32", "matmul1024_f32_gflops", true),
    /** A square float64 matrix product, reported in GFLOPS. */
    MATMUL_F64("matmul-f64", "matmul1024_f64_gflops", true);

    private final String id;
    private final String key;
    private final boolean gflops;

    Workload(String id, String key, boolean gflops) {
        this.id = id;
        this.key = key;
        this.gflops = gflops;
    }

    /** The name accepted by {@code --workload}. */
    public String id() {
        return id;
    }

    /** The JSON key of the workload's figure. */
    public String key() {
        return key;
    }

    /** Whether the figure is a rate in GFLOPS (higher is better) rather than a median time in seconds. */
    public boolean reportsGflops() {
        return gflops;
    }

    /** Builds the workload's data and model (not timed) and returns one timed run. */
    public Runnable prepare(BenchSizes sizes, long seed) {
        return switch (this) {
            case SEEDEXP -> SeedWorkload.prepare(sizes, seed);
            case CHAIN -> ChainWorkload.prepare(sizes, seed);
            case MLP -> MlpWorkload.prepare(sizes, seed);
            case CNN -> SmallCnn.trainingRun(sizes, seed);
            case MATMUL_F32 -> MatmulWorkload.prepare(sizes.matmulSize(), DType.FLOAT32, seed);
            case MATMUL_F64 -> MatmulWorkload.prepare(sizes.matmulSize(), DType.FLOAT64, seed);
        };
    }

    /**
     * The reported figure for a median run time: the time itself, or {@code 2·n³ / seconds / 1e9} for
     * the matrix products.
     */
    public double figure(double medianSeconds, BenchSizes sizes) {
        if (!gflops) {
            return medianSeconds;
        }
        double n = sizes.matmulSize();
        return 2 * n * n * n / medianSeconds / 1e9;
    }

    /** The workload named {@code name}: its id or its JSON key, any case. */
    public static Workload of(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Workload w : values()) {
            if (w.id.equals(wanted) || w.key.equals(wanted)) {
                return w;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Workload w : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(w.id);
        }
        throw new IllegalArgumentException("bench: unknown workload '" + name + "'; known: " + known);
    }
}
