package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.tapegrad.autograd.functional.TestTensors.assertClose;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.kernel.Parallelism;

/**
 * {@link Functional#batchNorm} in training over channels long enough to be cut into several segments of
 * {@link BatchNorm#SEGMENT} values (and split across threads), against a plain per-channel reference.
 */
class BatchNormSegmentProperties {
    private static final double EPS = 1e-5;
    /** Agreement between two float64 computations of batch norm in different orders. */
    private static final double CLOSE = 1e-10;

    /** Input (N, C, L) with L around and beyond a few segments. */
    record Config(int batch, int channels, int length, boolean affine) {
        int[] shape() {
            return new int[] {batch, channels, length};
        }

        @Override
        public String toString() {
            return "x " + Arrays.toString(shape()) + (affine ? " affine" : "");
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        int seg = BatchNorm.SEGMENT;
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(1, 3 * seg + 5),
                Arbitraries.of(seg - 1, seg, seg + 1, 2 * seg + 1));
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
                lengths, Arbitraries.of(true, false))
                .filter((n, c, l, affine) -> n * l > 1)
                .as(Config::new);
    }

    @Property(tries = 25)
    void outputAndGradientsMatchThePlainPerChannelFormulas(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, c.shape()).mul(2).add(0.5).requiresGrad(true);
        Tensor g = Tensor.randn(gen, DType.FLOAT64, c.shape());
        double[] gamma = new double[c.channels()];
        double[] beta = new double[c.channels()];
        for (int k = 0; k < gamma.length; k++) {
            gamma[k] = c.affine() ? 0.5 + gen.nextDouble() : 1.0;
            beta[k] = c.affine() ? gen.nextDouble() - 0.5 : 0.0;
        }
        Tensor weight = c.affine() ? Tensor.of(gamma, c.channels()).requiresGrad(true) : null;
        Tensor bias = c.affine() ? Tensor.of(beta, c.channels()).requiresGrad(true) : null;

        Tensor y = Functional.batchNorm(x, null, null, weight, bias, true, 0.1, EPS);
        y.backward(g);

        Reference r = new Reference(c, x.toDoubleArray(), g.toDoubleArray(), gamma, beta);
        assertClose(Tensor.of(r.y, c.shape()), y, CLOSE);
        assertClose(Tensor.of(r.dx, c.shape()), x.grad(), CLOSE);
        if (c.affine()) {
            assertClose(Tensor.of(r.dGamma, c.channels()), weight.grad(), CLOSE);
            assertClose(Tensor.of(r.dBeta, c.channels()), bias.grad(), CLOSE);
        }
    }

    @Example
    void oneAndTwoThreadsGiveIdenticalOutputsGradientsAndRunningStatistics() {
        // (2, 3, 12001): 18 segments of about 4,000 values, 72,006 values in all: enough to be split
        Generator gen = new Generator(5);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 2, 3, 12001);
        Tensor g = Tensor.randn(gen, DType.FLOAT32, 2, 3, 12001);
        int previous = Parallelism.threads();
        try {
            double[][] one = run(x, g, 1);
            double[][] two = run(x, g, 2);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], two[i], "result " + i);
            }
        } finally {
            Parallelism.setThreads(previous);
        }
    }

    /** Output, dx, dγ, dβ, running mean and running variance with {@code threads} threads. */
    private static double[][] run(Tensor x0, Tensor g, int threads) {
        Parallelism.setThreads(threads);
        Tensor x = x0.detach().requiresGrad(true);
        Tensor weight = Tensor.ones(DType.FLOAT32, 3).mul(1.5).detach().requiresGrad(true);
        Tensor bias = Tensor.zeros(DType.FLOAT32, 3).requiresGrad(true);
        Tensor runningMean = Tensor.zeros(DType.FLOAT32, 3);
        Tensor runningVar = Tensor.ones(DType.FLOAT32, 3);
        Tensor y = Functional.batchNorm(x, runningMean, runningVar, weight, bias, true, 0.1, EPS);
        y.backward(g);
        return new double[][] {y.toDoubleArray(), x.grad().toDoubleArray(), weight.grad().toDoubleArray(),
            bias.grad().toDoubleArray(), runningMean.toDoubleArray(), runningVar.toDoubleArray()};
    }

    /** The forward and backward formulas of {@link BatchNorm}, channel by channel in plain loops. */
    private static final class Reference {
        final double[] y;
        final double[] dx;
        final double[] dGamma;
        final double[] dBeta;

        Reference(Config c, double[] x, double[] g, double[] gamma, double[] beta) {
            int n = c.batch();
            int channels = c.channels();
            int length = c.length();
            int count = n * length;
            y = new double[x.length];
            dx = new double[x.length];
            dGamma = new double[channels];
            dBeta = new double[channels];
            for (int ch = 0; ch < channels; ch++) {
                double sum = 0;
                for (int i : indices(c, ch)) {
                    sum += x[i];
                }
                double mean = sum / count;
                double squares = 0;
                for (int i : indices(c, ch)) {
                    squares += (x[i] - mean) * (x[i] - mean);
                }
                double invstd = 1 / Math.sqrt(squares / count + EPS);
                double sumG = 0;
                double sumGCentred = 0;
                for (int i : indices(c, ch)) {
                    y[i] = (x[i] - mean) * invstd * gamma[ch] + beta[ch];
                    sumG += g[i];
                    sumGCentred += g[i] * (x[i] - mean);
                }
                dBeta[ch] = sumG;
                dGamma[ch] = sumGCentred * invstd;
                for (int i : indices(c, ch)) {
                    dx[i] = gamma[ch] * invstd
                            * (g[i] - sumG / count - (x[i] - mean) * invstd * invstd * sumGCentred / count);
                }
            }
        }

        private static int[] indices(Config c, int channel) {
            int[] idx = new int[c.batch() * c.length()];
            int k = 0;
            for (int b = 0; b < c.batch(); b++) {
                for (int s = 0; s < c.length(); s++) {
                    idx[k++] = (b * c.channels() + channel) * c.length() + s;
                }
            }
            return idx;
        }
    }
}
