package org.tapegrad.autograd.kernel;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one shared thread pool of tapegrad, and a helper that splits a range of work across it.
 *
 * <p>The number of threads taking part in parallel work is {@link #threads()}: the calling thread
 * plus {@code threads() - 1} daemon workers, created on first use and replaced when the count
 * changes; an idle worker spins for 0.2 ms before parking, so that bursts of parallel work do not
 * pay for waking it each time. It defaults to
 * {@link Runtime#availableProcessors()}, can be set at start-up with the system property
 * {@code tapegrad.threads} (a positive integer; an invalid value is reported on {@code System.err}
 * and ignored), and at run time with {@link #setThreads(int)}.
 *
 * <p>{@link #parallelFor(int, int, int, IntRangeBody)} runs the body inline on the calling thread,
 * without touching the pool or allocating, when {@code threads() == 1}, when the range is shorter
 * than {@code 2 * minChunk}, or when it is called from inside another parallel region (from a
 * worker, or from the caller's own chunk): nested parallelism therefore never deadlocks and never
 * oversubscribes the cores. Otherwise the range is cut into up to {@value #CHUNKS_PER_THREAD}
 * contiguous chunks per thread, of at least {@code minChunk} indices each, which the calling thread
 * and the workers claim in order as they become free: a thread that is slowed down (the machine
 * is shared, or its chunks are harder) simply takes fewer. The calling thread always takes part,
 * and returns when all chunks are done.
 *
 * <p>This class is thread-safe: several application threads may call {@code parallelFor}
 * concurrently (their chunks share the workers).
 */
public final class Parallelism {

    /** Body of a parallel loop: processes the indices {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    public interface IntRangeBody {
        /**
         * Processes the half-open index range {@code [from, to)}.
         *
         * @param from first index, inclusive
         * @param to   end index, exclusive ({@code to > from})
         */
        void run(int from, int to);
    }

    /** System property that sets the initial number of threads. */
    public static final String THREADS_PROPERTY = "tapegrad.threads";

    /**
     * Chunks per thread a range is cut into (when long enough): threads that finish early, or
     * start late because the machine is busy, even out by claiming more or fewer chunks.
     */
    static final int CHUNKS_PER_THREAD = 4;
    /** How long an idle worker keeps looking for work before parking (0.2 ms). */
    private static final long WORKER_SPIN_NANOS = 200_000;
    /** How long the caller spins for the other chunks before parking (a few µs). */
    private static final int SPIN_ITERATIONS = 200;
    private static final Object LOCK = new Object();
    private static final AtomicInteger WORKER_IDS = new AtomicInteger();
    /** Set while the current (non-worker) thread runs its own chunk of a parallel region. */
    private static final ThreadLocal<boolean[]> IN_REGION = ThreadLocal.withInitial(() -> new boolean[1]);

    private static volatile int threads = initialThreads();
    /** threads - 1 workers, created lazily; guarded by LOCK. */
    private static Pool pool;

    private Parallelism() {
    }

    /** @return the number of threads (caller included) that parallel work is split across; at least 1 */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads (caller included) that parallel work is split across. The pool is
     * rebuilt lazily with {@code n - 1} workers; work already handed to the old pool still completes.
     *
     * @param n the number of threads, at least 1 ({@code 1} makes everything run on the caller)
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Parallelism.setThreads: n must be >= 1, got " + n);
        }
        synchronized (LOCK) {
            if (n == threads) {
                return;
            }
            threads = n;
            if (pool != null) {
                pool.shutdown();
                pool = null;
            }
        }
    }

    /**
     * Runs {@code body} over {@code [start, end)}, split into at most
     * {@value #CHUNKS_PER_THREAD}·{@link #threads()} contiguous chunks of at least {@code minChunk}
     * indices (of equal size, give or take one) that run in parallel; every index is covered by
     * exactly one chunk. Returns when all chunks have finished. Runs inline (one call
     * {@code body.run(start, end)} on the calling thread) when {@code threads() == 1}, when
     * {@code end - start < 2 * minChunk}, or when called from inside a parallel region. Does
     * nothing when {@code end <= start}.
     *
     * <p>The chunks are claimed in order by the caller and the workers as each becomes free, so the
     * caller may run several of them (all of them when the workers are busy elsewhere).
     *
     * <p>If a chunk throws, no further chunks are started; once the chunks already running have
     * finished, the first exception is rethrown to the caller (unchanged when it is a
     * {@link RuntimeException} or {@link Error}) with any others attached as suppressed.
     *
     * @param start    first index, inclusive
     * @param end      end index, exclusive
     * @param minChunk smallest number of indices worth a chunk of their own, at least 1
     * @param body     the loop body
     * @throws IllegalArgumentException if {@code minChunk < 1}
     */
    public static void parallelFor(int start, int end, int minChunk, IntRangeBody body) {
        Objects.requireNonNull(body, "parallelFor: body");
        if (minChunk < 1) {
            throw new IllegalArgumentException("parallelFor: minChunk must be >= 1, got " + minChunk);
        }
        if (end <= start) {
            return;
        }
        long len = (long) end - start;
        int t = threads;
        if (t == 1 || len < 2L * minChunk || inParallelRegion()) {
            body.run(start, end);
            return;
        }
        int parts = (int) Math.min((long) t * CHUNKS_PER_THREAD, len / minChunk);
        runChunks(start, len, parts, Math.min(parts, t) - 1, body);
    }

    /** @return whether the current thread is a pool worker or is running its own chunk of a region */
    static boolean inParallelRegion() {
        return Thread.currentThread() instanceof Worker || IN_REGION.get()[0];
    }

    private static void runChunks(int start, long len, int parts, int helpers, IntRangeBody body) {
        Region region = new Region(start, len, parts, body);
        Pool executor = pool();
        for (int i = 0; i < helpers; i++) {
            try {
                executor.execute(region::help);
            } catch (RejectedExecutionException e) {
                break; // the pool was replaced by setThreads meanwhile: the caller does the rest
            }
        }
        boolean[] flag = IN_REGION.get();
        flag[0] = true;
        try {
            region.work();
        } finally {
            flag[0] = false;
        }
        region.close();
        Throwable e = region.failure.get();
        if (e != null) {
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            if (e instanceof Error) {
                throw (Error) e;
            }
            throw new RuntimeException(e);
        }
    }

    /**
     * One parallel loop in flight. The chunks are claimed in order by whoever is free, the caller
     * included, so that a helper the scheduler starts late (a busy machine) costs nothing: the
     * caller does the chunks itself, closes the region, and waits only for helpers that did start.
     */
    private static final class Region {
        /** Bit of {@link #gate} set by {@link #close}; the other bits count helpers at work. */
        private static final int CLOSED = Integer.MIN_VALUE;

        private final int start;
        private final long len;
        private final int parts;
        private final IntRangeBody body;
        private final Thread caller = Thread.currentThread();
        private final AtomicInteger nextChunk = new AtomicInteger();
        private final AtomicInteger gate = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Region(int start, long len, int parts, IntRangeBody body) {
            this.start = start;
            this.len = len;
            this.parts = parts;
            this.body = body;
        }

        /** Runs chunks until none is left or one has failed. */
        void work() {
            int i;
            while (failure.get() == null && (i = nextChunk.getAndIncrement()) < parts) {
                try {
                    body.run((int) (start + len * i / parts), (int) (start + len * (i + 1) / parts));
                } catch (Throwable e) {
                    record(e);
                }
            }
        }

        /** A worker's task: joins in unless the caller has already closed the region. */
        void help() {
            int g;
            do {
                g = gate.get();
                if (g < 0) {
                    return;
                }
            } while (!gate.compareAndSet(g, g + 1));
            try {
                work();
            } finally {
                if (gate.decrementAndGet() == CLOSED) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** Lets no more helpers in and waits, even if interrupted, for those at work. */
        void close() {
            int g;
            do {
                g = gate.get();
            } while (!gate.compareAndSet(g, g | CLOSED));
            // chunks are equal, so a helper usually finishes within microseconds of the caller:
            // spin briefly before parking, which costs a futex wake-up and a context switch
            for (int i = 0; i < SPIN_ITERATIONS && gate.get() != CLOSED; i++) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            while (gate.get() != CLOSED) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                caller.interrupt();
            }
        }

        private void record(Throwable e) {
            if (!failure.compareAndSet(null, e)) {
                Throwable first = failure.get();
                if (first != e) {
                    synchronized (first) {
                        first.addSuppressed(e);
                    }
                }
            }
        }
    }

    private static Pool pool() {
        synchronized (LOCK) {
            if (pool == null) {
                pool = new Pool(Math.max(1, threads - 1));
            }
            return pool;
        }
    }

    private static int initialThreads() {
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return cores;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("tapegrad: ignoring -D" + THREADS_PROPERTY + "=" + value
                + " (expected an integer >= 1); using " + cores + " threads");
        return cores;
    }

    /**
     * The workers and their task queue. A worker that runs out of tasks spins for
     * {@link #WORKER_SPIN_NANOS} before parking: work usually comes in bursts (the products of one
     * training step), and waking a parked thread costs tens of microseconds on a virtual machine,
     * as much as a whole small product. The same trade as OpenMP runtimes make.
     */
    private static final class Pool {
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final Worker[] workers;
        private volatile boolean shutdown;

        Pool(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(this);
                workers[i].start();
            }
        }

        void execute(Runnable task) {
            if (shutdown) {
                throw new RejectedExecutionException("tapegrad pool shut down");
            }
            tasks.offer(task);
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                    return;
                }
            }
        }

        /** Workers finish the queued tasks, then exit. */
        void shutdown() {
            shutdown = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Pool worker: a daemon thread, recognisable so that nested parallel calls run inline. */
    private static final class Worker extends Thread {
        private final Pool pool;
        /** Set just before parking; read by {@link Pool#execute} to decide whom to wake. */
        volatile boolean parked;

        Worker(Pool pool) {
            super("tapegrad-worker-" + WORKER_IDS.incrementAndGet());
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Runnable task = pool.tasks.poll();
                if (task != null) {
                    task.run(); // Region.help catches everything the body throws
                    idleSince = System.nanoTime();
                } else if (pool.shutdown) {
                    return;
                } else if (System.nanoTime() - idleSince < WORKER_SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // re-check after publishing `parked`: a task offered before it was seen wakes no one
                    if (pool.tasks.isEmpty() && !pool.shutdown) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
