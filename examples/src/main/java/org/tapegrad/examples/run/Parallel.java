package org.tapegrad.examples.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs independent tasks on all cores and returns their results in order. The experiments' tasks each
 * draw from their own seeded generator, so the results do not depend on the number of threads.
 */
public final class Parallel {
    private Parallel() {
    }

    /**
     * {@code tasks.stream().map(work)}, computed on up to {@code availableProcessors} threads.
     *
     * @throws RuntimeException the first task's exception, unwrapped
     */
    public static <T, R> List<R> map(List<T> tasks, Function<T, R> work) {
        int threads = Math.max(1, Math.min(tasks.size(), Runtime.getRuntime().availableProcessors()));
        if (threads == 1) {
            return tasks.stream().map(work).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "experiment-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T task : tasks) {
                futures.add(pool.submit(() -> work.apply(task)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
