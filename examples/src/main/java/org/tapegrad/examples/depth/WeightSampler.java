package org.tapegrad.examples.depth;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/**
 * How one layer's square weight matrix is drawn in the article's chain, written the way the article
 * writes it (a random tensor times a scale), so the formula is visible in the code.
 */
@FunctionalInterface
public interface WeightSampler {
    /** A fresh (n, n) weight matrix. */
    Tensor sample(Generator generator, DType dtype, int n);

    /** {@code torch.randn(n, n) * scale}. */
    static WeightSampler normal(double scale) {
        return (g, dtype, n) -> scaled(Tensor.randn(g, dtype, n, n), scale);
    }

    /** {@code torch.Tensor(n, n).uniform_(low, high) * scale}. */
    static WeightSampler uniform(double low, double high, double scale) {
        return (g, dtype, n) -> {
            Tensor u = Tensor.rand(g, dtype, n, n);
            if (low != 0 || high != 1) {
                u = u.mul(high - low).add(low);
            }
            return scaled(u, scale);
        };
    }

    /** {@code torch.randn(n, n) * sqrt(1/n)}: unit variance for a linear layer. */
    static WeightSampler normalOverSqrtN() {
        return (g, dtype, n) -> Tensor.randn(g, dtype, n, n).mul(Math.sqrt(1.0 / n));
    }

    /** {@code torch.Tensor(n, n).uniform_(low, high) / sqrt(n)}. */
    static WeightSampler uniformOverSqrtN(double low, double high) {
        return (g, dtype, n) -> uniform(low, high, 1).sample(g, dtype, n).div(Math.sqrt(n));
    }

    /**
     * The article's {@code xavier(m, h)} helper as written: {@code uniform_(-1, 1) / sqrt(6/(m+h))}. It
     * divides where Glorot multiplies, so its weights are {@code (m+h)/6} times too wide.
     */
    static WeightSampler articleXavier() {
        return (g, dtype, n) -> uniform(-1, 1, 1).sample(g, dtype, n).div(Math.sqrt(6.0 / (n + n)));
    }

    /** Glorot and Bengio's uniform initialisation: {@code uniform_(-1, 1) * sqrt(6/(m+h))}, variance 2/(m+h). */
    static WeightSampler glorotUniform() {
        return (g, dtype, n) -> uniform(-1, 1, 1).sample(g, dtype, n).mul(Math.sqrt(6.0 / (n + n)));
    }

    /** The article's {@code kaiming(m, h)}: {@code randn(m, h) * sqrt(2/m)}, He et al.'s ReLU scale. */
    static WeightSampler kaiming() {
        return (g, dtype, n) -> Tensor.randn(g, dtype, n, n).mul(Math.sqrt(2.0 / n));
    }

    private static Tensor scaled(Tensor t, double scale) {
        return scale == 1 ? t : t.mul(scale);
    }
}
