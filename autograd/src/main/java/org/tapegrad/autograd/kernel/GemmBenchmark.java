package org.tapegrad.autograd.kernel;

import java.util.Arrays;
import java.util.Random;

/**
 * Times {@link Gemm#multiply} on the shapes that matter to tapegrad, in both precisions, with 1 thread
 * and with {@link Runtime#availableProcessors()} threads (at least 2):
 * <ul>
 *   <li>1024×1024·1024×1024, median of 5 after warm-up, in GFLOPS = 2·n³ / seconds / 1e9;</li>
 *   <li>a chain of 100 matrix–vector products x ← W<sub>l</sub>·x with 100 distinct 512×512
 *       matrices (the 100-layer chain: 200 MB of weights, so bound by memory bandwidth), and the
 *       same chain reusing one matrix (2 MB, from cache);</li>
 *   <li>100 products 16×256·256×256 (a batch-16 MLP layer), forward (X·W and X·Wᵀ) and the two
 *       backward products (dY·Wᵀ and Xᵀ·dY).</li>
 * </ul>
 * Run with {@code java -cp autograd/target/classes org.tapegrad.autograd.kernel.GemmBenchmark}.
 */
public final class GemmBenchmark {

    private static volatile double sink;

    private GemmBenchmark() {
    }

    /**
     * Runs the benchmark and prints one line per measurement.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int previous = Parallelism.threads();
        int many = Math.max(2, Runtime.getRuntime().availableProcessors());
        System.out.printf("tapegrad Gemm benchmark, %d cores, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        try {
            for (int threads : new int[] {1, many}) {
                Parallelism.setThreads(threads);
                for (Precision precision : Precision.values()) {
                    System.out.printf("-- %d thread%s, %s precision%n", threads, threads == 1 ? "" : "s",
                            precision.name().toLowerCase(java.util.Locale.ROOT));
                    square(precision, 1024);
                    matvecChain(precision, 512, 100, 100);
                    matvecChain(precision, 512, 100, 1);
                    mlp(precision, 16, 256, 256, 100);
                }
            }
        } finally {
            Parallelism.setThreads(previous);
        }
    }

    private static void square(Precision precision, int n) {
        Random rnd = new Random(42);
        double[] a = random(rnd, n * n);
        double[] b = random(rnd, n * n);
        double[] c = new double[n * n];
        for (int i = 0; i < 3; i++) {
            Gemm.multiply(precision, n, n, n, a, 0, false, b, 0, false, c, 0, false);
        }
        double[] secs = new double[5];
        for (int i = 0; i < secs.length; i++) {
            long t0 = System.nanoTime();
            Gemm.multiply(precision, n, n, n, a, 0, false, b, 0, false, c, 0, false);
            secs[i] = (System.nanoTime() - t0) / 1e9;
        }
        double med = median(secs);
        sink += c[17];
        System.out.printf("  %dx%dx%d            %8.1f ms  %6.2f GFLOPS%n", n, n, n, med * 1e3,
                2.0 * n * n * n / med / 1e9);
    }

    private static void matvecChain(Precision precision, int n, int layers, int matrices) {
        Random rnd = new Random(7);
        double[][] w = new double[matrices][];
        for (int l = 0; l < matrices; l++) {
            w[l] = random(rnd, n * n);
            double scale = 1.0 / Math.sqrt(n);
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] *= scale;
            }
        }
        double[] x = random(rnd, n);
        double[] y = new double[n];
        double[] secs = new double[7];
        for (int rep = -5; rep < secs.length; rep++) {
            long t0 = System.nanoTime();
            double[] in = x;
            double[] out = y;
            for (int l = 0; l < layers; l++) {
                Gemm.multiply(precision, n, 1, n, w[l % matrices], 0, false, in, 0, false, out, 0, false);
                double[] tmp = in;
                in = out;
                out = tmp;
            }
            if (rep >= 0) {
                secs[rep] = (System.nanoTime() - t0) / 1e9;
            }
            sink += in[3];
        }
        double med = median(secs);
        System.out.printf("  %d x matvec %dx%d   %8.3f ms  %6.2f GFLOPS  (%.1f us each, %s)%n", layers, n, n,
                med * 1e3, 2.0 * n * n * layers / med / 1e9, med / layers * 1e6,
                matrices == 1 ? "one W, in cache" : matrices + " distinct W, from memory");
    }

    private static void mlp(Precision precision, int batch, int in, int out, int reps) {
        Random rnd = new Random(3);
        double[] x = random(rnd, batch * in);
        double[] w = random(rnd, in * out);
        double[] y = new double[batch * out];
        double[] dx = new double[batch * in];
        double[] dw = new double[in * out];
        String[] names = {"X.W   ", "X.W^T ", "dY.W^T", "X^T.dY"};
        for (int variant = 0; variant < names.length; variant++) {
            double[] secs = new double[7];
            for (int rep = -10; rep < secs.length; rep++) {
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    switch (variant) {
                        case 0: // y = x·W, W stored in×out
                            Gemm.multiply(precision, batch, out, in, x, 0, false, w, 0, false, y, 0, false);
                            break;
                        case 1: // y = x·Wᵀ, W stored out×in (nn.Linear layout)
                            Gemm.multiply(precision, batch, out, in, x, 0, false, w, 0, true, y, 0, false);
                            break;
                        case 2: // dx = dy·Wᵀ, W stored in×out
                            Gemm.multiply(precision, batch, in, out, y, 0, false, w, 0, true, dx, 0, false);
                            break;
                        default: // dW = xᵀ·dy
                            Gemm.multiply(precision, in, out, batch, x, 0, true, y, 0, false, dw, 0, false);
                            break;
                    }
                }
                if (rep >= 0) {
                    secs[rep] = (System.nanoTime() - t0) / 1e9;
                }
            }
            double med = median(secs);
            sink += y[1] + dx[1] + dw[1];
            System.out.printf("  %d x %dx%d.%dx%d %s %7.3f ms  %6.2f GFLOPS  (%.1f us each)%n", reps, batch, in, in,
                    out, names[variant], med * 1e3, 2.0 * batch * in * out * reps / med / 1e9, med / reps * 1e6);
        }
    }

    /** Uniform values in (−1, 1) that are floats, so that both precisions multiply the same numbers. */
    private static double[] random(Random rnd, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
