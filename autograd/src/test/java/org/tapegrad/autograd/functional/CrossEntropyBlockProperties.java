package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.tapegrad.autograd.functional.TestTensors.EXACT;
import static org.tapegrad.autograd.functional.TestTensors.FLOAT32;
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
 * {@link Functional#crossEntropy} with class indices over long runs of positions, which its kernels cut into
 * blocks of {@link ClassDim#BLOCK} and split across threads, against a plain per-position reference.
 */
class CrossEntropyBlockProperties {

    /** Logits (N, C, L): L up to about three blocks, so that runs end inside, at, and across block boundaries. */
    record Config(int batch, int classes, int length, boolean weighted, boolean ignoreSome, double smoothing,
            Reduction reduction) {
        int[] shape() {
            return new int[] {batch, classes, length};
        }

        @Override
        public String toString() {
            return "logits " + Arrays.toString(shape()) + (weighted ? " weighted" : "") + (ignoreSome ? " ignoring" : "")
                    + " smoothing " + smoothing + " " + reduction;
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(1, 3 * ClassDim.BLOCK + 7),
                Arbitraries.of(ClassDim.BLOCK - 1, ClassDim.BLOCK, ClassDim.BLOCK + 1, 2 * ClassDim.BLOCK));
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 5),
                lengths, Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(0.0, 0.2),
                Arbitraries.of(Reduction.values())).as(Config::new);
    }

    @Property(tries = 40)
    void lossAndGradientMatchThePlainFormulaPositionByPosition(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor logits = Tensor.randn(gen, DType.FLOAT64, c.shape()).mul(3).requiresGrad(true);
        long[] t = new long[c.batch() * c.length()];
        for (int p = 0; p < t.length; p++) {
            t[p] = c.ignoreSome() && p > 0 && gen.nextDouble() < 0.3 ? -100 : gen.nextInt(c.classes());
        }
        Tensor target = Tensor.ofIndices(t, c.batch(), c.length());
        double[] w = new double[c.classes()];
        for (int k = 0; k < w.length; k++) {
            w[k] = c.weighted() ? 0.5 + gen.nextDouble() : 1.0;
        }
        Tensor weight = c.weighted() ? Tensor.of(w, c.classes()) : null;
        Tensor g = Tensor.randn(gen, DType.FLOAT64, c.reduction() == Reduction.NONE
                ? new int[] {c.batch(), c.length()} : new int[0]);

        Tensor loss = Functional.crossEntropy(logits, target, weight, -100, c.reduction(), c.smoothing());
        loss.backward(g);

        Reference r = new Reference(c, logits.toDoubleArray(), t, w, g.toDoubleArray());
        assertClose(Tensor.of(r.loss, loss.shape()), loss, EXACT);
        assertClose(Tensor.of(r.dx, c.shape()), logits.grad(), EXACT);
    }

    @Property(tries = 15)
    void float32ResultsAreTheFloat64ResultsRounded(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor logits = Tensor.randn(gen, DType.FLOAT32, c.shape()).requiresGrad(true);
        long[] t = new long[c.batch() * c.length()];
        for (int p = 0; p < t.length; p++) {
            t[p] = gen.nextInt(c.classes());
        }
        Tensor target = Tensor.ofIndices(t, c.batch(), c.length());
        Tensor loss32 = Functional.crossEntropy(logits, target, null, -100, c.reduction(), c.smoothing());
        loss32.backward(Tensor.ones(DType.FLOAT32, loss32.shape()));
        Tensor logits64 = logits.detach().to(DType.FLOAT64).requiresGrad(true);
        Tensor loss64 = Functional.crossEntropy(logits64, target, null, -100, c.reduction(), c.smoothing());
        loss64.backward(Tensor.ones(DType.FLOAT64, loss64.shape()));
        assertArrayEquals(loss64.to(DType.FLOAT32).toDoubleArray(), loss32.toDoubleArray());
        assertArrayEquals(logits64.grad().to(DType.FLOAT32).toDoubleArray(), logits.grad().toDoubleArray());
    }

    @Example
    void oneAndTwoThreadsGiveIdenticalLossesAndGradients() {
        // (2, 3, 6000): 48 blocks, enough for the kernels to split them across two threads
        Generator gen = new Generator(11);
        Tensor logits = Tensor.randn(gen, DType.FLOAT32, 2, 3, 6000);
        long[] t = new long[2 * 6000];
        for (int p = 0; p < t.length; p++) {
            t[p] = p % 7 == 0 ? -100 : gen.nextInt(3);
        }
        Tensor target = Tensor.ofIndices(t, 2, 6000);
        Tensor weight = Tensor.of(new double[] {0.5, 1, 2}, 3).to(DType.FLOAT32);
        int previous = Parallelism.threads();
        try {
            for (Reduction reduction : Reduction.values()) {
                double[][] one = lossAndGradient(logits, target, weight, reduction, 1);
                double[][] two = lossAndGradient(logits, target, weight, reduction, 2);
                assertArrayEquals(one[0], two[0], reduction + " loss");
                assertArrayEquals(one[1], two[1], reduction + " gradient");
            }
        } finally {
            Parallelism.setThreads(previous);
        }
    }

    private static double[][] lossAndGradient(Tensor logits, Tensor target, Tensor weight, Reduction reduction,
            int threads) {
        Parallelism.setThreads(threads);
        Tensor x = logits.detach().requiresGrad(true);
        Tensor loss = Functional.crossEntropy(x, target, weight, -100, reduction, 0.1);
        loss.backward(Tensor.ones(DType.FLOAT32, loss.shape()).mul(0.5));
        return new double[][] {loss.toDoubleArray(), x.grad().toDoubleArray()};
    }

    /** The loss and dx of SPEC §5.4–5.7 computed position by position, in double, without blocks. */
    private static final class Reference {
        final double[] loss;
        final double[] dx;

        Reference(Config c, double[] x, long[] t, double[] w, double[] g) {
            int classes = c.classes();
            int length = c.length();
            double eps = c.smoothing();
            double[] nll = new double[t.length];
            double[] smooth = new double[t.length];
            double[][] probs = new double[t.length][classes];
            double divisor = 0;
            for (int p = 0; p < t.length; p++) {
                int base = p / length * classes * length + p % length;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    max = Math.max(max, x[base + k * length]);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(x[base + k * length] - max);
                }
                double logSumExp = max + Math.log(sum);
                for (int k = 0; k < classes; k++) {
                    probs[p][k] = Math.exp(x[base + k * length] - logSumExp);
                }
                if (t[p] < 0) {
                    continue;
                }
                int y = (int) t[p];
                nll[p] = -w[y] * (x[base + y * length] - logSumExp);
                for (int k = 0; k < classes; k++) {
                    smooth[p] -= w[k] * (x[base + k * length] - logSumExp);
                }
                divisor += w[y];
            }
            double sumW = 0;
            for (double v : w) {
                sumW += v;
            }
            dx = new double[x.length];
            double total = 0;
            double[] perPosition = new double[t.length];
            for (int p = 0; p < t.length; p++) {
                perPosition[p] = (1 - eps) * nll[p] + eps / classes * smooth[p];
                total += perPosition[p];
            }
            Reduction reduction = c.reduction();
            loss = reduction == Reduction.NONE ? perPosition
                    : new double[] {reduction == Reduction.SUM ? total : total / divisor};
            for (int p = 0; p < t.length; p++) {
                if (t[p] < 0) {
                    continue;
                }
                int y = (int) t[p];
                double scale = reduction == Reduction.NONE ? g[p] : reduction == Reduction.SUM ? g[0] : g[0] / divisor;
                int base = p / length * classes * length + p % length;
                for (int k = 0; k < classes; k++) {
                    double oneHot = k == y ? 1 : 0;
                    dx[base + k * length] = scale * ((1 - eps) * w[y] * (probs[p][k] - oneHot)
                            + eps / classes * (probs[p][k] * sumW - w[k]));
                }
            }
        }
    }
}
