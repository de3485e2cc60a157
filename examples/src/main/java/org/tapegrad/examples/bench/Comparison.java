package org.tapegrad.examples.bench;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One workload of several builds of tapegrad, timed in one JVM by turns, so that every build meets the same
 * periods of the machine. On a shared or drifting machine, the figures of separate runs (even the median of
 * three JVMs, see {@code bench}) differ by more than a change of a few percent; alternating every few runs
 * leaves the drift in both samples alike.
 *
 * <p>Each build is a class path (a shaded {@code tapegrad-examples.jar}, or several entries) loaded by a
 * class loader of its own, under the platform class loader, so that its classes (and its thread pool, set
 * to the same thread count) are its own. Only one build runs at a time; the pools of the others are idle.
 * Each build's workload is prepared once, then the builds run {@code perTurn} runs each in turn, every other
 * round in reverse order, until the time is up; runs in the first {@link #WARM_UP_SHARE} of the time, while
 * the JIT is still compiling, are not counted. (Without the reversal, two builds compared in both orders
 * showed a bias of about 2% for one position: base against new 0.965, new against base 1.076.)
 */
public final class Comparison implements AutoCloseable {
    /** Share of the time whose runs warm up the JIT and are not counted. */
    public static final double WARM_UP_SHARE = 0.25;
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private final List<Build> builds = new ArrayList<>();
    private final List<URLClassLoader> loaders = new ArrayList<>();

    /** The seconds of every counted run of one build, in the order they ran. */
    public record Sample(String build, double[] seconds) {
        /** The q-quantile of the seconds (nearest rank), for q in [0, 1]. */
        public double quantile(double q) {
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.round(q * (sorted.length - 1));
            return sorted[rank];
        }
    }

    /** A build's prepared workload: one timed run. */
    private record Build(String name, Runnable run) {
    }

    /**
     * Loads each build and prepares {@code workload} in it.
     *
     * @param classPaths one class path per build, entries separated by {@link File#pathSeparator}
     * @param workload   the workload's name, as {@code bench --workload} takes it
     * @param sizes      {@code "full"} or {@code "quick"} ({@link BenchSizes})
     * @throws IllegalArgumentException if a path does not exist, or a build lacks tapegrad's benchmark classes
     *                                  or does not know the workload
     */
    public Comparison(List<String> classPaths, String workload, String sizes, int threads, long seed) {
        try {
            for (String classPath : classPaths) {
                URLClassLoader loader = new URLClassLoader(urls(classPath), ClassLoader.getPlatformClassLoader());
                loaders.add(loader);
                builds.add(new Build(classPath, prepare(loader, classPath, workload, sizes, threads, seed)));
            }
        } catch (RuntimeException e) {
            try {
                close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Closes the builds' class loaders. */
    @Override
    public void close() throws IOException {
        for (URLClassLoader loader : loaders) {
            loader.close();
        }
    }

    /**
     * Runs the builds by turns, {@code perTurn} runs each, for about {@code seconds} (and on until every
     * build has a counted run), reporting after each round of turns to {@code progress}; returns the counted
     * runs of each build, in the order given.
     */
    public List<Sample> run(double seconds, int perTurn, Consumer<String> progress) {
        List<List<Double>> times = new ArrayList<>();
        for (int b = 0; b < builds.size(); b++) {
            times.add(new ArrayList<>());
        }
        long start = System.nanoTime();
        long countFrom = start + (long) (seconds * WARM_UP_SHARE * 1e9);
        long end = start + (long) (seconds * 1e9);
        long lastReport = start;
        for (int round = 0; System.nanoTime() < end || times.stream().anyMatch(List::isEmpty); round++) {
            for (int turn = 0; turn < builds.size(); turn++) {
                // every other round in reverse order, so that no build always follows the same one
                int b = round % 2 == 0 ? turn : builds.size() - 1 - turn;
                for (int r = 0; r < perTurn; r++) {
                    long t0 = System.nanoTime();
                    builds.get(b).run().run();
                    long t1 = System.nanoTime();
                    if (t0 >= countFrom) {
                        times.get(b).add((t1 - t0) / 1e9);
                    }
                }
            }
            if (System.nanoTime() - lastReport >= PROGRESS_EVERY_NANOS) {
                lastReport = System.nanoTime();
                progress.accept(String.format(Locale.ROOT, "[compare] %.0f s: %s runs counted",
                        (lastReport - start) / 1e9,
                        times.stream().map(t -> Integer.toString(t.size())).collect(Collectors.joining(" / "))));
            }
        }
        List<Sample> samples = new ArrayList<>();
        for (int b = 0; b < builds.size(); b++) {
            samples.add(new Sample(builds.get(b).name(), times.get(b).stream().mapToDouble(Double::doubleValue)
                    .toArray()));
        }
        return samples;
    }

    /** Loads one build and prepares the workload in it, through the build's own classes. */
    private static Runnable prepare(ClassLoader loader, String classPath, String workload, String sizes, int threads,
            long seed) {
        try {
            loader.loadClass("org.tapegrad.autograd.kernel.Parallelism").getMethod("setThreads", int.class)
                    .invoke(null, threads);
            Class<?> workloads = loader.loadClass(Workload.class.getName());
            Class<?> benchSizes = loader.loadClass(BenchSizes.class.getName());
            Object chosen = workloads.getMethod("of", String.class).invoke(null, workload);
            Object size = benchSizes.getMethod(sizes).invoke(null);
            Method prepare = workloads.getMethod("prepare", benchSizes, long.class);
            return (Runnable) prepare.invoke(chosen, size, seed);
        } catch (ClassNotFoundException | NoSuchMethodException | NoClassDefFoundError e) {
            throw new IllegalArgumentException("compare: " + classPath + " is not a build of tapegrad's examples "
                    + "(missing " + e.getMessage() + "); give the path of a tapegrad-examples.jar", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) {
                throw new IllegalArgumentException("compare: " + classPath + ": " + cause.getMessage(), cause);
            }
            throw new IllegalStateException("compare: preparing " + workload + " in " + classPath + " failed: "
                    + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("compare: " + classPath + ": " + e.getMessage(), e);
        }
    }

    private static URL[] urls(String classPath) {
        String[] entries = classPath.split(File.pathSeparator);
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            Path path = Path.of(entries[i]);
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("compare: no such file or directory: " + entries[i]);
            }
            try {
                urls[i] = path.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("compare: not a usable path: " + entries[i], e);
            }
        }
        return urls;
    }
}
