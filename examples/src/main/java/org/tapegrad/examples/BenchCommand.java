package org.tapegrad.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.examples.bench.BenchSizes;
import org.tapegrad.examples.bench.Benchmark;
import org.tapegrad.examples.bench.ForkFigures;
import org.tapegrad.examples.bench.ForkedJvm;
import org.tapegrad.examples.bench.Workload;
import org.tapegrad.examples.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: times the workloads PyTorch's figures in PERFORMANCE.md were measured on, and prints one
 * JSON object of medians (seconds, or GFLOPS for the matrix products) and the thread count.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times tapegrad on the workloads of PERFORMANCE.md: the conv seed experiment (kaiming, 40 "
                + "epochs), a 100 × 512×512 matrix–vector chain, a 100-layer MLP forward+backward, 10 training "
                + "steps of a small CNN on MNIST-sized input, and 1024×1024 matrix products in float32 and float64.",
            "Each workload is warmed up, then run R times; prints one JSON object with the median of each "
                    + "(seconds; GFLOPS for matmul) and the number of threads. Progress goes to stderr.",
            "The workloads run in child JVMs with a fixed, pre-touched heap (as JMH forks them), three by "
                    + "default, and each figure is the median of the children's, unless --in-process is given."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--threads", paramLabel = "N",
            description = "threads for all of tapegrad's parallel work (default: the number of cores)")
    Integer threads;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "5",
            description = "timed runs per workload, after the warm-up (default: ${DEFAULT-VALUE})")
    int runs;

    /** Figures of the JVMs further apart than this factor are reported as measured on an unsteady machine. */
    static final double UNSTEADY_SPREAD = 1.5;

    /** Child JVMs by default: enough for the median to pass over one measured in a slow period. */
    static final int DEFAULT_FORKS = 3;

    /**
     * Least warm-up time per workload at full size; the warm-up then goes on until the JIT has been
     * quiet for a second (see {@code Benchmark}).
     */
    static final double DEFAULT_WARMUP_SECONDS = 5.0;

    @Option(names = "--warmup", paramLabel = "S",
            description = "least warm-up time per workload in seconds; it then goes on until the JIT has "
                    + "compiled nothing for a fifth of that, for at most ten times as long (default: 5)")
    Double warmupSeconds;

    @Option(names = "--workload", paramLabel = "NAME",
            description = "run only this workload (repeatable): seedexp, chain, mlp, cnn, matmul-f32, matmul-f64")
    List<String> workloads;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of the workloads' data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "2g",
            description = "fixed heap of the JVM the workloads run in, touched at start-up (default: ${DEFAULT-VALUE})")
    String heap;

    @Option(names = "--forks", paramLabel = "F",
            description = "child JVMs to run the workloads in, one after the other; each figure is the median of "
                    + "theirs (default: 3)")
    Integer forks;

    @Option(names = "--in-process",
            description = "run in this JVM, with its own heap settings, instead of a child JVM with a fixed, "
                    + "pre-touched heap")
    boolean inProcess;

    @Option(names = "--quick", hidden = true,
            description = "tiny problem sizes and, unless --warmup says otherwise, no warm-up time (for tests)")
    boolean quick;

    @Override
    public Integer call() {
        if (!inProcess) {
            return runInChildJvm();
        }
        if (forks != null) {
            System.err.println("bench: --forks runs child JVMs, --in-process runs none: give one or the other");
            return 2;
        }
        System.err.println(ForkedJvm.describeThisJvm());
        if (threads != null) {
            if (threads < 1) {
                System.err.println("bench: --threads must be at least 1, got " + threads);
                return 2;
            }
            Parallelism.setThreads(threads);
        }
        List<Workload> chosen = new ArrayList<>();
        try {
            if (workloads == null) {
                chosen.addAll(List.of(Workload.values()));
            } else {
                for (String name : workloads) {
                    chosen.add(Workload.of(name));
                }
            }
            Benchmark benchmark = new Benchmark(quick ? BenchSizes.quick() : BenchSizes.full(), runs,
                    warmup(), seed, System.err::println);
            Map<String, Object> json = Json.object();
            for (Workload w : chosen) {
                json.put(w.key(), fourDigits(benchmark.measure(w).figure()));
            }
            json.put("threads", Parallelism.threads());
            System.out.println(Json.write(json));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
    }

    /**
     * Runs this command again, with {@code --in-process}, in {@code --forks} JVMs one after the other, each
     * with a fixed heap of {@code --heap} that is touched at start-up ({@link ForkedJvm}); relays their
     * progress and prints the median of their figures ({@link ForkFigures}).
     */
    private int runInChildJvm() {
        int forkCount = forks == null ? DEFAULT_FORKS : forks;
        if (forkCount < 1) {
            System.err.println("bench: --forks must be at least 1, got " + forkCount);
            return 2;
        }
        try {
            List<String> command = ForkedJvm.command(ForkedJvm.jvmOptions(heap), Main.class.getName(), childArgs());
            ForkFigures figures = new ForkFigures();
            for (int fork = 1; fork <= forkCount; fork++) {
                System.err.printf("[bench] child JVM %d of %d%n", fork, forkCount);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int status = ForkedJvm.run(command, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                if (status != 0) {
                    System.out.print(out.toString(StandardCharsets.UTF_8));
                    return status;
                }
                figures.add(out.toString(StandardCharsets.UTF_8));
            }
            Map<String, Object> json = Json.object();
            figures.medians().forEach((key, median) -> {
                if (key.equals("threads")) {
                    json.put(key, median.intValue());
                } else {
                    json.put(key, fourDigits(median));
                    if (forkCount > 1) {
                        System.err.printf("[bench] %s: %s in the %d JVMs, median %s%n", key, figures.of(key),
                                forkCount, fourDigits(median));
                        String note = unsteadyNote(key, figures.spread(key));
                        if (note != null) {
                            System.err.println(note);
                        }
                    }
                }
            });
            System.out.println(Json.write(json));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("bench: could not start the child JVM (" + e.getMessage() + "); --in-process runs "
                    + "in this one");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("bench: interrupted while waiting for the child JVM");
            return 1;
        }
    }

    /**
     * The warning for a figure whose JVMs differ by {@code spread} (largest over smallest), or null when
     * they differ by at most {@link #UNSTEADY_SPREAD} (or the spread is not known).
     */
    static String unsteadyNote(String key, double spread) {
        if (!(spread > UNSTEADY_SPREAD)) {
            return null;
        }
        return String.format(Locale.ROOT, "[bench] %s: the JVMs differ by %.1f×: the machine was not steady "
                + "(see PERFORMANCE.md); run again, or with more --forks", key, spread);
    }

    /** This command's options for the child JVM, with {@code --in-process}. */
    List<String> childArgs() {
        List<String> args = new ArrayList<>(List.of("bench", "--in-process", "--runs", Integer.toString(runs),
                "--seed", Long.toString(seed)));
        if (threads != null) {
            args.addAll(List.of("--threads", threads.toString()));
        }
        if (warmupSeconds != null) {
            args.addAll(List.of("--warmup", warmupSeconds.toString()));
        }
        if (workloads != null) {
            for (String workload : workloads) {
                args.addAll(List.of("--workload", workload));
            }
        }
        if (quick) {
            args.add("--quick");
        }
        return args;
    }

    /** The warm-up time asked for, or the default: none for the tests' quick sizes. */
    private double warmup() {
        if (warmupSeconds != null) {
            return warmupSeconds;
        }
        return quick ? 0.0 : DEFAULT_WARMUP_SECONDS;
    }

    /** {@code value} to four significant digits: more would be noise. */
    static double fourDigits(double value) {
        if (value == 0 || !Double.isFinite(value)) {
            return value;
        }
        return new BigDecimal(value).round(new MathContext(4)).doubleValue();
    }
}
