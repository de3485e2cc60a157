package org.tapegrad.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Runs a workload until the JIT is done with it: for at least {@code minSeconds}, then until the JIT
 * has compiled nothing for {@code quietSeconds} (its total compilation time has not moved), and at
 * most {@code maxSeconds} or {@link #MAX_RUNS} runs.
 *
 * <p>Why the quiet period: a fixed warm-up was not enough on the 2-core machine. Methods that run once
 * per workload run, with a long loop (the autograd engine's backward pass, a module's parameter walk),
 * reach C2's thresholds only after 5–8 s, and C2 then compiles them for tens of milliseconds on the
 * second core, which is the core the workload's second thread needs. After 5 s the JIT was still busy
 * for 1–9 s more, depending on the workload. (The MLP's runs near 40 ms instead of 20 had another
 * cause, slow periods of the machine; see {@link ForkFigures}.)
 */
final class Warmup {
    /** Warm-up runs never exceed this many, whatever the times ask (tiny workloads). */
    static final int MAX_RUNS = 10_000;

    /**
     * How a warm-up went.
     *
     * @param runs     runs made, at least one
     * @param seconds  time they took
     * @param jitQuiet whether the JIT had been quiet for the asked period when it ended: false when it
     *                 ended on {@code maxSeconds} or {@link #MAX_RUNS} while the JIT was still busy, or
     *                 when a quiet period was asked for and the JVM does not report compilation time
     *                 (then the warm-up lasts {@code minSeconds})
     */
    record Result(int runs, double seconds, boolean jitQuiet) {
    }

    private Warmup() {
    }

    /**
     * Warms {@code workload} up, watching this JVM's JIT (see the class comment).
     *
     * @param workload     one run of the workload
     * @param minSeconds   least warm-up time, at least 0 (one run is always made)
     * @param quietSeconds how long the JIT must have compiled nothing, at least 0
     * @param maxSeconds   most warm-up time, unless a single run takes longer
     */
    static Result run(Runnable workload, double minSeconds, double quietSeconds, double maxSeconds) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        LongSupplier compileMillis = jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit::getTotalCompilationTime : null;
        return run(workload, minSeconds, quietSeconds, maxSeconds, compileMillis);
    }

    /**
     * {@link #run(Runnable, double, double, double)} with the JIT's total compilation time read from
     * {@code compileMillis}; null when it is not known (then there is no quiet period to wait for).
     */
    static Result run(Runnable workload, double minSeconds, double quietSeconds, double maxSeconds,
            LongSupplier compileMillis) {
        long start = System.nanoTime();
        long minEnd = start + nanos(minSeconds);
        long maxEnd = start + nanos(Math.max(minSeconds, maxSeconds));
        long quietNanos = nanos(quietSeconds);
        boolean watchJit = compileMillis != null && quietNanos > 0;
        long compiled = watchJit ? compileMillis.getAsLong() : 0;
        long quietSince = start;
        int runs = 0;
        while (true) {
            workload.run();
            runs++;
            long now = System.nanoTime();
            if (watchJit) {
                long total = compileMillis.getAsLong();
                if (total != compiled) {
                    compiled = total;
                    quietSince = now;
                }
            }
            boolean quiet = !watchJit || now - quietSince >= quietNanos;
            if ((now - minEnd >= 0 && quiet) || now - maxEnd >= 0 || runs >= MAX_RUNS) {
                return new Result(runs, (now - start) * 1e-9, quiet && (watchJit || quietNanos == 0));
            }
        }
    }

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }
}
