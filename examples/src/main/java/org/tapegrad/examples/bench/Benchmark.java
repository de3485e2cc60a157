package org.tapegrad.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Times a workload: warm-up runs first ({@link Warmup}: at least {@code warmupSeconds}, then until the
 * JIT has compiled nothing for a fifth of that time; C2 keeps compiling, recompiling and
 * deoptimising methods for the first seconds, and runs in that phase took up to 7 times as long as
 * steady ones on the machine), a full GC, then {@code runs} timed runs with nothing but clock
 * readings between them. The figure is computed from the median run time, which a single slow run
 * (GC, another process) does not move. Each run's progress line, printed after the timed runs, also
 * gives CPU times, of the calling thread and of the whole process: unlike the wall-clock time they do
 * not grow (much) when other processes compete for the cores.
 */
public final class Benchmark {
    /**
     * After the least warm-up time S, the JIT must have compiled nothing for this fraction of S (1 s for
     * the default 5 s; see {@link Warmup}) ...
     */
    static final double JIT_QUIET_FRACTION = 0.2;
    /** ... waited for at most this many times S beyond S. */
    static final double MAX_EXTRA_WARMUP_FACTOR = 10;

    private final BenchSizes sizes;
    private final int runs;
    private final double warmupSeconds;
    private final long seed;
    private final Consumer<String> progress;

    /**
     * @param sizes         the workloads' problem sizes
     * @param runs          timed runs per workload, at least 1
     * @param warmupSeconds least time spent warming up each workload, at least 0 (at least one run is
     *                      always made; with 0, no quiet period of the JIT is waited for either)
     * @param seed          seeds the workloads' data
     * @param progress      receives a line about the warm-up and one per timed run (for stderr)
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
        double quietSeconds = JIT_QUIET_FRACTION * warmupSeconds;
        Warmup.Result warmup = Warmup.run(run, warmupSeconds, quietSeconds,
                (1 + MAX_EXTRA_WARMUP_FACTOR) * warmupSeconds);
        progress.accept(String.format("[bench] %s: %d warm-up runs in %.2f s%s", workload.id(), warmup.runs(),
                warmup.seconds(), quietSeconds == 0 ? ""
                        : warmup.jitQuiet() ? String.format(", the JIT quiet for the last %.2f s", quietSeconds)
                        : ", the JIT not seen quiet: the figures may still move"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        double[] seconds = new double[runs];
        long[] threadCpu = new long[runs];
        long[] processCpu = new long[runs];
        System.gc();
        // nothing but the clocks between timed runs: formatting and printing a line would have the JIT
        // compile that code in the background, on the core the workload's second thread needs
        for (int r = 0; r < runs; r++) {
            long threadStart = threads.getCurrentThreadCpuTime();
            long processStart = processCpuNanos(os);
            long start = System.nanoTime();
            run.run();
            seconds[r] = (System.nanoTime() - start) * 1e-9;
            threadCpu[r] = threads.getCurrentThreadCpuTime() - threadStart;
            processCpu[r] = processCpuNanos(os) - processStart;
        }
        for (int r = 0; r < runs; r++) {
            progress.accept(String.format("[bench] %s: run %d/%d %.4f s (cpu: this thread %.4f s, process %.4f s)",
                    workload.id(), r + 1, runs, seconds[r], threadCpu[r] * 1e-9, processCpu[r] * 1e-9));
        }
        double median = median(seconds);
        return new Measurement(workload, seconds, median, workload.figure(median, sizes));
    }

    /** CPU time of the whole JVM so far (all threads, JIT and GC included), or 0 where it is not available. */
    private static long processCpuNanos(OperatingSystemMXBean os) {
        return os instanceof com.sun.management.OperatingSystemMXBean sunOs
                ? Math.max(0, sunOs.getProcessCpuTime()) : 0;
    }

    /** The median of {@code values} (the mean of the two middle ones for an even count); not modified. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
