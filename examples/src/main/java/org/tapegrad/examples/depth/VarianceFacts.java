package org.tapegrad.examples.depth;

import java.util.List;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/**
 * The variance facts the article derives, measured as it measures them: over many trials, draw
 * {@code x ~ N(0, I_n)} and {@code a, b ~ N(0, 1)^(n×n)}, form each quantity y below, and average
 * {@code y.mean()} and {@code y.pow(2).mean()} over the trials; the reported "std" is the root of the
 * averaged mean square (the mean is about 0 except after a ReLU).
 *
 * <table>
 *   <caption>quantities and what theory predicts</caption>
 *   <tr><th>y</th><th>prediction</th><th>why</th></tr>
 *   <tr><td>a @ x</td><td>rms √n</td><td>a sum of n products of unit-variance terms has variance n</td></tr>
 *   <tr><td>b @ (a @ x)</td><td>rms n</td><td>each layer multiplies the variance by n</td></tr>
 *   <tr><td>(a/√n) @ x</td><td>rms 1</td><td>scaling the weights by 1/√n divides the variance by n</td></tr>
 *   <tr><td>relu(a @ x)</td><td>mean √n/√(2π), rms √(n/2)</td><td>half of a N(0, n) survives: E[max(0,z)] = σ/√(2π), E[max(0,z)²] = σ²/2</td></tr>
 *   <tr><td>relu((a·√(2/n)) @ x)</td><td>rms 1</td><td>Kaiming's √2 gives back the half the ReLU removes</td></tr>
 * </table>
 */
public final class VarianceFacts {
    private VarianceFacts() {
    }

    /** One measured fact next to its prediction. */
    public record Fact(String quantity, String statistic, double measured, double predicted, String formula) {
        /** {@code |measured/predicted − 1|}; NaN when the prediction is 0. */
        public double relativeError() {
            return predicted == 0 ? Double.NaN : Math.abs(measured / predicted - 1);
        }
    }

    /**
     * The running sums of the trials: mean of {@code a @ x}, mean of the ReLU output, and the mean square of
     * each of the five quantities. Sums of separate trial batches add up, so trials can run in parallel.
     */
    public record Sums(int trials, double mean, double reluMean, double[] meanSquare) {
        public Sums {
            meanSquare = meanSquare.clone();
        }

        /** The sums of both batches. */
        public Sums plus(Sums other) {
            double[] ms = meanSquare.clone();
            for (int i = 0; i < ms.length; i++) {
                ms[i] += other.meanSquare[i];
            }
            return new Sums(trials + other.trials, mean + other.mean, reluMean + other.reluMean, ms);
        }

        /** The facts of width {@code n} these sums measure. */
        public List<Fact> facts(int n) {
            double rootN = Math.sqrt(n);
            return List.of(
                    new Fact("a @ x", "mean", mean / trials, 0, "0"),
                    new Fact("a @ x", "std", Math.sqrt(meanSquare[0] / trials), rootN, "√n"),
                    new Fact("b @ (a @ x)", "std", Math.sqrt(meanSquare[1] / trials), n, "n"),
                    new Fact("(a/√n) @ x", "std", Math.sqrt(meanSquare[2] / trials), 1, "1"),
                    new Fact("relu(a @ x)", "mean", reluMean / trials, rootN / Math.sqrt(2 * Math.PI), "√n/√(2π)"),
                    new Fact("relu(a @ x)", "rms", Math.sqrt(meanSquare[3] / trials), Math.sqrt(n / 2.0), "√(n/2)"),
                    new Fact("relu((a·√(2/n)) @ x)", "rms", Math.sqrt(meanSquare[4] / trials), 1, "1"));
        }
    }

    /** Measures every fact over {@code trials} trials of width {@code n}. */
    public static List<Fact> measure(int n, int trials, DType dtype, Generator generator) {
        return sums(n, trials, dtype, generator).facts(n);
    }

    /** Runs {@code trials} trials of width {@code n} and returns their sums. */
    public static Sums sums(int n, int trials, DType dtype, Generator generator) {
        if (trials < 1 || n < 2) {
            throw new IllegalArgumentException("variance facts: need n ≥ 2 and trials ≥ 1, got n = " + n
                    + ", trials = " + trials);
        }
        double[] sumMeanSquare = new double[5];
        double sumReluMean = 0;
        double sumMean = 0;
        for (int t = 0; t < trials; t++) {
            Tensor x = Tensor.randn(generator, dtype, n);
            Tensor a = Tensor.randn(generator, dtype, n, n);
            Tensor b = Tensor.randn(generator, dtype, n, n);
            Tensor y = a.matmul(x);
            Tensor twoLayers = b.matmul(y);
            Tensor scaled = a.mul(Math.sqrt(1.0 / n)).matmul(x);
            Tensor relu = y.relu();
            Tensor kaiming = a.mul(Math.sqrt(2.0 / n)).matmul(x).relu();
            Tensor[] ys = {y, twoLayers, scaled, relu, kaiming};
            for (int i = 0; i < ys.length; i++) {
                sumMeanSquare[i] += ys[i].pow(2).mean().item();
            }
            sumMean += y.mean().item();
            sumReluMean += relu.mean().item();
        }
        return new Sums(trials, sumMean, sumReluMean, sumMeanSquare);
    }
}
