package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.testing.MiniJson;
import org.tapegrad.examples.Main;

/** The {@code bench} command, run at the hidden {@code --quick} sizes (a fraction of a second). */
class BenchCommandTest {
    private static final List<String> KEYS = List.of("seedexp_40epochs_s", "chain100x512_matvec_only_s",
            "mlp100x256_b16_fwd_bwd_s", "cnn_mnist_b64_10steps_s", "matmul1024_f32_gflops", "matmul1024_f64_gflops",
            "threads");

    @Test
    void printsOneJsonObjectWithEveryWorkloadsFigureAndTheThreadCount() {
        int before = Parallelism.threads();
        try {
            Run run = Run.of("bench", "--quick", "--runs", "1", "--threads", "1");
            assertEquals(0, run.status, run.err);
            Map<String, Object> json = MiniJson.object(MiniJson.parse(run.out));
            assertEquals(KEYS, List.copyOf(json.keySet()), run.out);
            for (String key : KEYS) {
                double value = ((Number) json.get(key)).doubleValue();
                assertTrue(value > 0 && Double.isFinite(value), key + " = " + value);
            }
            assertEquals(1, ((Number) json.get("threads")).intValue());
            assertEquals(1, Parallelism.threads(), "--threads sets the shared pool");
            assertTrue(run.err.contains("[bench] seedexp: run 1/1"), "progress goes to stderr:\n" + run.err);
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void workloadOptionRunsOnlyTheNamedWorkloads() {
        Run run = Run.of("bench", "--quick", "--runs", "2", "--workload", "mlp", "--workload", "matmul1024_f64_gflops");
        assertEquals(0, run.status, run.err);
        Map<String, Object> json = MiniJson.object(MiniJson.parse(run.out));
        assertEquals(List.of("mlp100x256_b16_fwd_bwd_s", "matmul1024_f64_gflops", "threads"),
                List.copyOf(json.keySet()));
    }

    @Test
    void anUnknownWorkloadIsRefusedWithTheKnownNames() {
        Run run = Run.of("bench", "--quick", "--workload", "resnet");
        assertEquals(2, run.status);
        assertTrue(run.err.contains("bench: unknown workload 'resnet'; known: seedexp, chain, mlp, cnn, matmul-f32, "
                + "matmul-f64"), run.err);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.0, Benchmark.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Benchmark.median(new double[] {4, 1, 3, 2}));
    }

    /** The command line run in-process, with its exit status, stdout and stderr. */
    private record Run(int status, String out, String err) {
        static Run of(String... args) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                int status = Main.commandLine().execute(args);
                return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
    }
}
