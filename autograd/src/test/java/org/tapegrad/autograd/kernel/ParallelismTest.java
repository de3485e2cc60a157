package org.tapegrad.autograd.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Thread count, inline execution, exceptions and nesting of {@link Parallelism}. */
class ParallelismTest {

    private static final Duration DEADLOCK_TIMEOUT = Duration.ofSeconds(10);

    private int previousThreads;

    @BeforeEach
    void rememberThreads() {
        previousThreads = Parallelism.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(previousThreads);
    }

    @Test
    void defaultsToAtLeastOneThread() {
        assertTrue(Parallelism.threads() >= 1);
    }

    @Test
    void setThreadsRejectsNonPositiveCountsNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallelism.setThreads(0));
        assertEquals("Parallelism.setThreads: n must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Parallelism.setThreads(-3));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
        assertEquals(previousThreads, Parallelism.threads(), "a rejected value changes nothing");
    }

    @Test
    void setThreadsIsReadBack() {
        Parallelism.setThreads(3);
        assertEquals(3, Parallelism.threads());
    }

    @Test
    void oneThreadRunsTheWholeRangeInlineOnTheCaller() {
        Parallelism.setThreads(1);
        Thread caller = Thread.currentThread();
        AtomicInteger calls = new AtomicInteger();
        Parallelism.parallelFor(0, 1_000_000, 1, (from, to) -> {
            assertSame(caller, Thread.currentThread());
            assertEquals(0, from);
            assertEquals(1_000_000, to);
            calls.incrementAndGet();
        });
        assertEquals(1, calls.get());
    }

    @Test
    void smallRangesRunInlineEvenWithManyThreads() {
        Parallelism.setThreads(4);
        Thread caller = Thread.currentThread();
        AtomicInteger calls = new AtomicInteger();
        Parallelism.parallelFor(10, 29, 10, (from, to) -> {
            assertSame(caller, Thread.currentThread());
            calls.incrementAndGet();
        });
        assertEquals(1, calls.get(), "19 indices < 2 * minChunk: one inline call");
    }

    @Test
    void largeRangesUseTheWorkersAndTheCaller() throws InterruptedException {
        Parallelism.setThreads(2);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch bothStarted = new CountDownLatch(2);
        Parallelism.parallelFor(0, 100, 1, (from, to) -> {
            seen.add(Thread.currentThread());
            bothStarted.countDown();
            await(bothStarted); // proves the two chunks run at the same time
        });
        assertEquals(2, seen.size());
        assertTrue(seen.contains(Thread.currentThread()), "the caller runs one chunk itself");
        for (Thread t : seen) {
            if (t != Thread.currentThread()) {
                assertTrue(t.isDaemon(), "workers must not keep the JVM alive");
            }
        }
    }

    @Test
    void exceptionFromAWorkerChunkReachesTheCallerUnwrapped() {
        Parallelism.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        Thread caller = Thread.currentThread();
        CountDownLatch workerStarted = new CountDownLatch(1);
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallelism.parallelFor(0, 100, 1, (from, to) -> {
                    if (Thread.currentThread() != caller) {
                        workerStarted.countDown();
                        throw boom;
                    }
                    await(workerStarted); // keeps the caller from claiming the worker's chunk
                }));
        assertSame(boom, thrown);
    }

    @Test
    void failureReachesTheCallerOnlyAfterRunningChunksFinished() {
        Parallelism.setThreads(2);
        AtomicLong finishedOthers = new AtomicLong();
        Thread caller = Thread.currentThread();
        CountDownLatch workerStarted = new CountDownLatch(1);
        AssertionError thrown = assertThrows(AssertionError.class,
                () -> Parallelism.parallelFor(0, 100, 1, (from, to) -> {
                    if (Thread.currentThread() == caller) {
                        await(workerStarted);
                        throw new AssertionError("caller chunk failed");
                    }
                    workerStarted.countDown();
                    sleep(50);
                    finishedOthers.incrementAndGet();
                }));
        assertEquals("caller chunk failed", thrown.getMessage());
        assertEquals(1, finishedOthers.get(), "the worker's chunk completed before the caller returned");
    }

    @Test
    void everyFailureIsReportedOnceFirstOthersSuppressed() {
        Parallelism.setThreads(2);
        CountDownLatch bothStarted = new CountDownLatch(2);
        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> Parallelism.parallelFor(0, 100, 1, (from, to) -> {
                    bothStarted.countDown();
                    await(bothStarted);
                    throw new RuntimeException("chunk " + from);
                }));
        assertEquals(1, thrown.getSuppressed().length);
        assertNotSame(thrown, thrown.getSuppressed()[0]);
    }

    @Test
    void busyWorkersDoNotHoldUpTheCaller() throws InterruptedException {
        Parallelism.setThreads(2); // one worker
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch workerBlocked = new CountDownLatch(1);
        Thread other = new Thread(() -> Parallelism.parallelFor(0, 2, 1, (from, to) -> {
            if (Thread.currentThread().getName().startsWith("tapegrad-worker")) {
                workerBlocked.countDown();
                await(release);
            } else {
                await(workerBlocked);
            }
        }));
        other.start();
        try {
            await(workerBlocked);
            AtomicInteger count = new AtomicInteger();
            assertTimeoutPreemptively(DEADLOCK_TIMEOUT, () -> {
                Thread caller = Thread.currentThread();
                Parallelism.parallelFor(0, 100, 1, (from, to) -> {
                    assertSame(caller, Thread.currentThread(), "the only worker is busy");
                    count.addAndGet(to - from);
                });
            });
            assertEquals(100, count.get());
        } finally {
            release.countDown();
            other.join();
        }
    }

    @Test
    void nestedParallelLoopsDoNotDeadlock() {
        Parallelism.setThreads(2);
        AtomicLong sum = new AtomicLong();
        assertTimeoutPreemptively(DEADLOCK_TIMEOUT, () -> Parallelism.parallelFor(0, 8, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallelism.parallelFor(0, 1000, 1, (f, t) -> {
                    for (int j = f; j < t; j++) {
                        sum.addAndGet(row * 1000L + j);
                    }
                });
            }
        }));
        long n = 8000;
        assertEquals(n * (n - 1) / 2, sum.get());
    }

    @Test
    void nestedCallsRunInlineOnTheThreadThatMadeThem() {
        Parallelism.setThreads(2);
        AtomicInteger mismatches = new AtomicInteger();
        Parallelism.parallelFor(0, 2, 1, (from, to) -> {
            Thread outer = Thread.currentThread();
            Parallelism.parallelFor(0, 1000, 1, (f, t) -> {
                if (Thread.currentThread() != outer) {
                    mismatches.incrementAndGet();
                }
            });
        });
        assertEquals(0, mismatches.get());
    }

    @Test
    void changingTheThreadCountWhileIdleKeepsWorking() {
        for (int threads : new int[] {2, 3, 1, 2}) {
            Parallelism.setThreads(threads);
            AtomicInteger count = new AtomicInteger();
            Parallelism.parallelFor(0, 999, 1, (from, to) -> count.addAndGet(to - from));
            assertEquals(999, count.get());
        }
    }

    @Test
    void replacedPoolsLetTheirWorkersExit() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            Parallelism.setThreads(round % 2 == 0 ? 3 : 2);
            AtomicInteger count = new AtomicInteger();
            Parallelism.parallelFor(0, 300, 1, (from, to) -> count.addAndGet(to - from));
            assertEquals(300, count.get());
        }
        long deadline = System.nanoTime() + DEADLOCK_TIMEOUT.toNanos();
        while (liveWorkers() > 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, liveWorkers(), "only the current pool's threads() - 1 workers remain");
    }

    private static long liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("tapegrad-worker"))
                .count();
    }

    @Test
    void rejectsNonPositiveMinChunk() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Parallelism.parallelFor(0, 10, 0, (from, to) -> { }));
        assertEquals("parallelFor: minChunk must be >= 1, got 0", e.getMessage());
    }

    @Test
    void emptyRangeNeverCallsTheBody() {
        Parallelism.parallelFor(5, 5, 1, (from, to) -> {
            throw new AssertionError("called");
        });
        Parallelism.parallelFor(5, 2, 1, (from, to) -> {
            throw new AssertionError("called");
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "timed out waiting for another chunk");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
