package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The warm-up's stopping rules, with a stand-in for the JIT's compilation-time counter. */
class WarmupTest {
    /** A workload run of about a millisecond. */
    private static void sleepAboutAMillisecond() {
        LockSupport.parkNanos(1_000_000);
    }

    @Test
    void withNoTimeAskedForItMakesExactlyOneRun() {
        AtomicInteger runs = new AtomicInteger();
        Warmup.Result result = Warmup.run(runs::incrementAndGet, 0, 0, 0, () -> runs.get());
        assertEquals(1, runs.get());
        assertEquals(1, result.runs());
        assertTrue(result.jitQuiet(), "no quiet period was asked for");
    }

    @Test
    void itGoesOnWhileTheJitCompilesAndStopsOnceItHasBeenQuiet() {
        AtomicInteger runs = new AtomicInteger();
        // the "JIT" compiles something during each of the first 40 runs, then nothing
        Warmup.Result result = Warmup.run(() -> {
            runs.incrementAndGet();
            sleepAboutAMillisecond();
        }, 0.005, 0.02, 30, () -> Math.min(runs.get(), 40));
        assertTrue(result.jitQuiet(), result.toString());
        assertTrue(result.runs() > 40, "it must outlast the compilations: " + result);
        assertTrue(result.seconds() >= 0.02, "and then wait for the quiet period: " + result);
        assertTrue(result.seconds() < 10, "but not for the longest time allowed: " + result);
        assertEquals(runs.get(), result.runs());
    }

    @Test
    void aJitThatNeverRestsEndsTheWarmUpAtTheLongestTimeAllowed() {
        AtomicInteger runs = new AtomicInteger();
        Warmup.Result result = Warmup.run(() -> {
            runs.incrementAndGet();
            sleepAboutAMillisecond();
        }, 0.01, 0.01, 0.05, runs::get);
        assertFalse(result.jitQuiet(), result.toString());
        assertTrue(result.seconds() >= 0.05, result.toString());
    }

    @Test
    void withoutCompilationTimesTheLeastWarmUpTimeIsAllThereIs() {
        Warmup.Result result = Warmup.run(WarmupTest::sleepAboutAMillisecond, 0.01, 0.5, 30, null);
        assertFalse(result.jitQuiet(), "the JIT could not be watched: " + result);
        assertTrue(result.seconds() >= 0.01 && result.seconds() < 0.5, result.toString());
    }

    @Test
    void theLeastWarmUpTimeHoldsEvenWhenTheJitIsQuietFromTheStart() {
        Warmup.Result result = Warmup.run(WarmupTest::sleepAboutAMillisecond, 0.03, 0.001, 30, () -> 7L);
        assertTrue(result.jitQuiet(), result.toString());
        assertTrue(result.seconds() >= 0.03, result.toString());
    }

    @Test
    void tinyWorkloadsStopAtTheRunCap() {
        AtomicInteger runs = new AtomicInteger();
        Warmup.Result result = Warmup.run(runs::incrementAndGet, 30, 0, 30, () -> 0L);
        assertEquals(Warmup.MAX_RUNS, result.runs());
        assertEquals(Warmup.MAX_RUNS, runs.get());
    }
}
