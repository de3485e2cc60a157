package org.tapegrad.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Times a workload: warm-up runs first (at least one, and until {@code warmupSeconds} have passed, so
 * that the JIT has compiled the hot loops and has done replacing them: C2 keeps recompiling and
 * deoptimising methods for the first few seconds, and runs in that phase took up to 7 times as long
 * as steady ones on the machine), a full GC, then {@code runs} timed runs. The figure is computed
 * from the median run time, which a single slow run (GC, another process) does not move. Each run's
 * progress line also gives CPU times, of the calling thread and of the whole process: unlike the
 * wall-clock time they do not grow (much) when other processes compete for the cores.
 */
public final class Benchmark {
    /** Warm-up runs never exceed this many, whatever {@code warmupSeconds} asks (tiny workloads). */
    static final int MAX_WARMUP_RUNS = 10_000;

    private final BenchSizes sizes;
    private final int runs;
    private final double warmupSeconds;
    private final long seed;
    private final Consumer<String> progress;

    /**
     * @param sizes         the workloads' problem sizes
     * @param runs          timed runs per workload, at least 1
     * @param warmupSeconds least time spent warming up each workload, at least 0 (at least one run is
     *                      always made)
     * @param seed          seeds the workloads' data
     * @param progress      receives one line per run (for stderr)
     * @throws IllegalArgumentException if runs &lt; 1 or warmupSeconds is negative or not finite
     */
    public Benchmark(BenchSizes sizes, int runs, double warmupSeconds, long seed, Consumer<String> progress) {
        if (runs < 1) {
            throw new IllegalArgumentException("bench: --runs must be at least 1, got " + runs);
        }
        if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
            throw new IllegalArgumentException("bench: --warmup must be a finite number of seconds, at least 0, got "
                    + warmupSeconds);
        }
        this.sizes = sizes;
        this.runs = runs;
        this.warmupSeconds = warmupSeconds;
        this.seed = seed;
        this.progress = progress;
    }

    /**
     * One workload's measurement.
     *
     * @param seconds the timed runs, in order
     * @param median  their median, seconds
     * @param figure  the reported number: the median, or GFLOPS for the matrix products
     */
    public record Measurement(Workload workload, double[] seconds, double median, double figure) {
    }

    /** Prepares, warms up and times {@code workload}. */
    public Measurement measure(Workload workload) {
        Runnable run = workload.prepare(sizes, seed);
        long warmupStart = System.nanoTime();
        int warmups = 0;
        do {
            run.run();
            warmups++;
        } while (warmups < MAX_WARMUP_RUNS && (System.nanoTime() - warmupStart) * 1e-9 < warmupSeconds);
        progress.accept(String.format("[bench] %s: %d warm-up runs in %.2f s", workload.id(), warmups,
                (System.nanoTime() - warmupStart) * 1e-9));
        System.gc();
        double[] seconds = new double[runs];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < runs; r++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long processStart = processCpuNanos();
            long start = System.nanoTime();
            run.run();
            seconds[r] = (System.nanoTime() - start) * 1e-9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) * 1e-9;
            double processCpu = (processCpuNanos() - processStart) * 1e-9;
            progress.accept(String.format("[bench] %s: run %d/%d %.4f s (cpu: this thread %.4f s, process %.4f s)",
                    workload.id(), r + 1, runs, seconds[r], cpu, processCpu));
        }
        double median = median(seconds);
        return new Measurement(workload, seconds, median, workload.figure(median, sizes));
    }

    /** CPU time of the whole JVM so far (all threads, JIT and GC included), or 0 where it is not available. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** The median of {@code values} (the mean of the two middle ones for an even count); not modified. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
