package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.testing.MiniJson;

/**
 * The {@code bench} command, run at the hidden {@code --quick} sizes (a fraction of a second), in this JVM
 * ({@code --in-process}) except where the child JVM is the subject.
 */
class BenchCommandTest {
    private static final List<String> KEYS = List.of("seedexp_40epochs_s", "chain100x512_matvec_only_s",
            "mlp100x256_b16_fwd_bwd_s", "cnn_mnist_b64_10steps_s", "matmul1024_f32_gflops", "matmul1024_f64_gflops",
            "threads");

    @Test
    void printsOneJsonObjectWithEveryWorkloadsFigureAndTheThreadCount() {
        int before = Parallelism.threads();
        try {
            CommandRun run = CommandRun.of("bench", "--in-process", "--quick", "--runs", "1", "--threads", "1");
            assertEquals(0, run.status(), run.err());
            Map<String, Object> json = MiniJson.object(MiniJson.parse(run.out()));
            assertEquals(KEYS, List.copyOf(json.keySet()), run.out());
            for (String key : KEYS) {
                double value = ((Number) json.get(key)).doubleValue();
                assertTrue(value > 0 && Double.isFinite(value), key + " = " + value);
            }
            assertEquals(1, ((Number) json.get("threads")).intValue());
            assertEquals(1, Parallelism.threads(), "--threads sets the shared pool");
            assertTrue(run.err().contains("[bench] seedexp: run 1/1"), "progress goes to stderr:\n" + run.err());
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void workloadOptionRunsOnlyTheNamedWorkloads() {
        CommandRun run = CommandRun.of("bench", "--in-process", "--quick", "--runs", "2", "--workload", "mlp", "--workload", "matmul1024_f64_gflops");
        assertEquals(0, run.status(), run.err());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(run.out()));
        assertEquals(List.of("mlp100x256_b16_fwd_bwd_s", "matmul1024_f64_gflops", "threads"),
                List.copyOf(json.keySet()));
    }

    @Test
    void anUnknownWorkloadIsRefusedWithTheKnownNames() {
        CommandRun run = CommandRun.of("bench", "--in-process", "--quick", "--workload", "resnet");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("bench: unknown workload 'resnet'; known: seedexp, chain, mlp, cnn, matmul-f32, "
                + "matmul-f64"), run.err());
    }

    @Test
    void warmupOptionSetsTheLeastWarmUpTime() {
        // the quick CNN takes about a millisecond a run: the time ends its warm-up, not the cap on runs
        CommandRun run = CommandRun.of("bench", "--in-process", "--quick", "--runs", "1", "--warmup", "0.3", "--workload", "cnn");
        assertEquals(0, run.status(), run.err());
        Matcher line = Pattern.compile("\\[bench] cnn: (\\d+) warm-up runs in ([0-9.]+) s").matcher(run.err());
        assertTrue(line.find(), run.err());
        assertTrue(Double.parseDouble(line.group(2)) >= 0.3, line.group());
        int runs = Integer.parseInt(line.group(1));
        assertTrue(runs > 1 && runs < Warmup.MAX_RUNS, "a quick run is far shorter than 0.3 s: " + line.group());
    }

    @Test
    void aNegativeWarmUpIsRefused() {
        CommandRun run = CommandRun.of("bench", "--in-process", "--quick", "--warmup", "-1", "--workload", "mlp");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("bench: --warmup must be a finite number of seconds, at least 0, got -1.0"),
                run.err());
    }

    @Test
    void byDefaultTheWorkloadsRunInAChildJvmWithAFixedPreTouchedHeap() {
        CommandRun run = CommandRun.of("bench", "--quick", "--heap", "96m", "--runs", "1", "--threads", "1", "--workload", "mlp");
        assertEquals(0, run.status(), run.err());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(run.out()));
        assertEquals(List.of("mlp100x256_b16_fwd_bwd_s", "threads"), List.copyOf(json.keySet()), run.out());
        assertTrue(run.err().contains("-Xms96m") && run.err().contains("-Xmx96m")
                && run.err().contains("-XX:+AlwaysPreTouch"), "the child's options are reported:\n" + run.err());
        assertTrue(run.err().contains("[bench] mlp: run 1/1"), "the child's progress is relayed:\n" + run.err());
        assertTrue(run.err().contains("[bench] child JVM 3 of 3"), "three child JVMs by default:\n" + run.err());
        Matcher summary = Pattern.compile(
                "\\[bench] mlp100x256_b16_fwd_bwd_s: \\[([^]]+)] in the 3 JVMs, median (\\S+)").matcher(run.err());
        assertTrue(summary.find(), "each JVM's figure is reported:\n" + run.err());
        double[] perJvm = Pattern.compile(", ").splitAsStream(summary.group(1)).mapToDouble(Double::parseDouble)
                .toArray();
        assertEquals(3, perJvm.length, summary.group());
        assertEquals(Benchmark.median(perJvm), (Double) json.get("mlp100x256_b16_fwd_bwd_s"), 1e-3 * perJvm[0],
                "the figure is the median of the JVMs': " + summary.group());
    }

    @Test
    void forksSetsTheNumberOfChildJvms() {
        CommandRun run = CommandRun.of("bench", "--quick", "--heap", "96m", "--runs", "1", "--forks", "1", "--workload", "chain");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("[bench] child JVM 1 of 1") && !run.err().contains("child JVM 2"), run.err());
        assertEquals(List.of("chain100x512_matvec_only_s", "threads"),
                List.copyOf(MiniJson.object(MiniJson.parse(run.out())).keySet()), run.out());
    }

    @Test
    void forksBelowOneAndForksInProcessAreRefused() {
        CommandRun none = CommandRun.of("bench", "--quick", "--forks", "0");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("bench: --forks must be at least 1, got 0"), none.err());
        CommandRun inProcess = CommandRun.of("bench", "--quick", "--forks", "2", "--in-process");
        assertEquals(2, inProcess.status());
        assertTrue(inProcess.err().contains("bench: --forks runs child JVMs, --in-process runs none"), inProcess.err());
    }

    @Test
    void aHeapThatIsNotASizeIsRefused() {
        CommandRun run = CommandRun.of("bench", "--quick", "--heap", "lots");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("bench: --heap must be a size such as 2g or 512m, got 'lots'"), run.err());
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.0, Benchmark.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Benchmark.median(new double[] {4, 1, 3, 2}));
    }
}
