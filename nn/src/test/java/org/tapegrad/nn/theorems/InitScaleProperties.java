package org.tapegrad.nn.theorems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.Sequential;
import org.tapegrad.nn.Tanh;

/**
 * The scale theorems: how an initialisation's variance carries the size of the signal through a layer.
 *
 * <ul>
 *   <li>Kaiming (fan_in, relu), W ~ N(0, 2/n): given an input x, a pre-activation is N(0, 2|x|²/n), and
 *       E relu(y)² = Var(y)/2 = |x|²/n: the mean square of the ReLU outputs equals the input's.</li>
 *   <li>N(0, 1): a pre-activation is N(0, |x|²) = N(0, n·ms(x)), so the root-mean-square (the std of these
 *       zero-mean quantities) is multiplied by √n.</li>
 *   <li>Xavier with tanh's gain 5/3 keeps 20 tanh layers at a healthy std, where N(0, 1)·0.01 shrinks the std by
 *       about 0.01·√n per layer and collapses it.</li>
 * </ul>
 *
 * <h2>Statistical tolerances</h2>
 * The first two are ratios R of mean squares over a batch of B inputs and n_out outputs, with E[R | x] = 1
 * exactly (the input is held fixed and the weights are random). Rows of W are independent, so R is an average
 * of n_out i.i.d. terms, and its conditional variance σ² is computed exactly from the inputs' Gram matrix (see
 * {@link #kaimingRatioVariance} and {@link #gaussianRatioVariance}); about 5/(B·n_out) and 2/(B·n_out) for
 * nearly orthogonal inputs (at n_in = 128 the inputs' overlaps add 40% and 100% to these), so with B = 128 the
 * tolerance 5σ runs from about 0.03 (widths near 1024) to 0.10 (128) for Kaiming and from 0.02 to 0.08 for
 * N(0, 1). The terms' skewness (≈ 3.9 for one relu(Z)²) shrinks as 1/√(B·n_out) &lt; 0.03,
 * so R is very nearly normal and {@link #Z} = 5 gives a false-alarm rate of about 6e-7 per check. The jqwik seeds
 * are fixed as well, so a run is reproducible.
 */
class InitScaleProperties {

    /** Inputs averaged over in the mean-square ratios; it divides the ratio's variance by about B. */
    private static final int BATCH = 128;
    /** The tolerance in standard deviations of the ratio: two-sided normal tail 5.7e-7. */
    private static final double Z = 5.0;
    /** The depth of the tanh chains. */
    private static final int DEPTH = 20;
    /** Inputs through the tanh chains (their std is taken over BATCH·width values). */
    private static final int CHAIN_BATCH = 16;
    /**
     * The least std of the 20th tanh layer's output under Xavier(gain 5/3). Mean-field theory (width → ∞,
     * fan_in = fan_out so Var W = g²/n) iterates q ← E[tanh(g·√q·Z)²] from q₀ = 1; with g = 5/3 it settles at
     * q ≈ 0.424 (std ≈ 0.65) well before layer 20. At width ≥ 128 and 2048 values the finite-size deviations
     * are a few percent, so 0.05 (13× below) fails only if the signal really dies.
     */
    private static final double TANH_STD_FLOOR = 0.05;
    /**
     * The most std the 20th tanh layer's output keeps under N(0, 1)·0.01. As |tanh z| ≤ |z|, each layer
     * multiplies the mean square by at most 1e-4·n in expectation, so from std 1 the 20th layer is near
     * (0.01·√n)²⁰ ≤ (0.01·√512)²⁰ ≈ 1.2e-13 at the widest width drawn; 1e-10 leaves a factor 800 for the
     * per-layer fluctuations (relative std ≈ 1/√(n·B) ≈ 2% each, ≈ 10% over 20 layers). (At width 1024 the
     * prediction would be 1.3e-10: the width is capped at 512 for that reason.)
     */
    private static final double COLLAPSED_STD_CEILING = 1e-10;
    /** The multiplier of the N(0, 1) weights in the collapsing chain. */
    private static final double SMALL_GAUSSIAN_SCALE = 0.01;

    /** One layer's widths and a seed for its input and weights. This class is immutable. */
    record Widths(int in, int out, long seed) {
    }

    /** A square tanh chain of the given width, Xavier-uniform or Xavier-normal. This class is immutable. */
    record Chain(int width, boolean uniform, long seed) {
    }

    @Provide
    Arbitrary<Widths> widths() {
        return Combinators.combine(Arbitraries.integers().between(128, 1024).withDistribution(RandomDistribution.uniform()),
                Arbitraries.integers().between(128, 1024).withDistribution(RandomDistribution.uniform()),
                TheoremSupport.seeds()).as(Widths::new);
    }

    @Provide
    Arbitrary<Chain> chains() {
        return Combinators.combine(Arbitraries.integers().between(128, 512).withDistribution(RandomDistribution.uniform()),
                Arbitraries.of(true, false),
                TheoremSupport.seeds()).as(Chain::new);
    }

    // ------------------------------------------------------------------ one layer

    /** A ratio R of mean squares and its standard deviation σ given the inputs. This class is immutable. */
    record Ratio(double value, double sigma) {
        boolean isOneWithinTolerance() {
            return Math.abs(value - 1) <= Z * sigma;
        }
    }

    @Property(tries = 8, seed = "424242")
    void kaimingNormalReluLayerKeepsTheMeanSquareOfItsInput(@ForAll("widths") Widths w) {
        Ratio r = reluMeanSquareRatio(w, "relu");

        assertTrue(r.isOneWithinTolerance(),
                () -> "ms(relu(Wx))/ms(x) = " + r.value() + ", expected 1 ± " + Z * r.sigma() + " (σ = " + r.sigma() + ")");
    }

    @Example
    void theMeanSquareCheckRejectsKaimingWithTheLinearGain() {
        // gain 1 instead of √2: E ms(relu(Wx)) = ms(x)/2, which the check must reject at the narrowest width.
        Ratio r = reluMeanSquareRatio(new Widths(128, 128, 3), "linear");

        assertEquals(0.5, r.value(), Z * r.sigma());
        assertFalse(r.isOneWithinTolerance());
    }

    /**
     * R = ms(relu(Wx))/ms(x) for B standard normal inputs x and W ~ kaimingNormal_(fan_in, nonlinearity),
     * with σ from {@link #kaimingRatioVariance} (which assumes the relu gain √2).
     */
    private static Ratio reluMeanSquareRatio(Widths w, String nonlinearity) {
        Generator gen = new Generator(w.seed());
        Tensor x = Tensor.randn(gen, DType.FLOAT64, BATCH, w.in());
        Linear layer = layer(w, gen);
        Init.kaimingNormal_(layer.weight(), 0.0, FanMode.FAN_IN, nonlinearity, gen);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            double ratio = meanSquare(layer.forward(x).relu()) / meanSquare(x);
            return new Ratio(ratio, Math.sqrt(kaimingRatioVariance(gram(x.toDoubleArray(), BATCH, w.in()), w.in(),
                    w.out())));
        }
    }

    @Property(tries = 8, seed = "424243")
    void standardGaussianLayerMultipliesTheStdBySqrtOfFanIn(@ForAll("widths") Widths w) {
        Ratio r = gaussianMeanSquareRatio(w, 1.0);

        // R = (rms(Wx)/(√n·rms(x)))², and |√R − 1| = |R − 1|/(√R + 1) ≤ |R − 1|: the std factor's deviation
        // from √n is bounded by the same tolerance.
        assertTrue(r.isOneWithinTolerance(), () -> "rms(Wx)/rms(x) = " + Math.sqrt(r.value()) + "·√" + w.in()
                + ", expected (1 ± " + Z * r.sigma() + ")·√" + w.in());
    }

    @Example
    void theStdFactorCheckRejectsATenPercentLargerStd() {
        Ratio r = gaussianMeanSquareRatio(new Widths(128, 128, 3), 1.1);

        assertEquals(1.21, r.value(), Z * r.sigma());
        assertFalse(r.isOneWithinTolerance());
    }

    /**
     * R = ms(Wx)/(n_in·ms(x)) for B standard normal inputs and W ~ N(0, std²), with σ from
     * {@link #gaussianRatioVariance} (which assumes std 1).
     */
    private static Ratio gaussianMeanSquareRatio(Widths w, double std) {
        Generator gen = new Generator(w.seed());
        Tensor x = Tensor.randn(gen, DType.FLOAT64, BATCH, w.in());
        Linear layer = layer(w, gen);
        Init.normal_(layer.weight(), 0.0, std, gen);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            double ratio = meanSquare(layer.forward(x)) / (w.in() * meanSquare(x));
            return new Ratio(ratio, Math.sqrt(gaussianRatioVariance(gram(x.toDoubleArray(), BATCH, w.in()), w.out())));
        }
    }

    // ------------------------------------------------------------------ twenty tanh layers

    @Property(tries = 6, seed = "424244")
    void xavierWithTanhGainKeepsTwentyTanhLayersAlive(@ForAll("chains") Chain c) {
        Generator gen = new Generator(c.seed());
        Tensor x = Tensor.randn(gen, DType.FLOAT64, CHAIN_BATCH, c.width());
        double gain = Init.calculateGain("tanh");
        List<Module> layers = new ArrayList<>();
        for (int l = 0; l < DEPTH; l++) {
            Linear linear = layer(new Widths(c.width(), c.width(), 0), gen);
            if (c.uniform()) {
                Init.xavierUniform_(linear.weight(), gain, gen);
            } else {
                Init.xavierNormal_(linear.weight(), gain, gen);
            }
            layers.add(linear);
            layers.add(new Tanh());
        }

        double std = stdOfOutput(new Sequential(layers), x);

        assertTrue(std > TANH_STD_FLOOR, () -> "std after " + DEPTH + " tanh layers: " + std);
    }

    @Property(tries = 6, seed = "424245")
    void smallGaussianInitialisationCollapsesTwentyTanhLayers(@ForAll("chains") Chain c) {
        Generator gen = new Generator(c.seed());
        Tensor x = Tensor.randn(gen, DType.FLOAT64, CHAIN_BATCH, c.width());
        List<Module> layers = new ArrayList<>();
        for (int l = 0; l < DEPTH; l++) {
            Linear linear = layer(new Widths(c.width(), c.width(), 0), gen);
            Init.normal_(linear.weight(), 0.0, 1.0, gen);
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                linear.weight().mulInPlace(SMALL_GAUSSIAN_SCALE);
            }
            layers.add(linear);
            layers.add(new Tanh());
        }

        double std = stdOfOutput(new Sequential(layers), x);

        assertTrue(std < COLLAPSED_STD_CEILING, () -> "std after " + DEPTH + " tanh layers: " + std);
        assertTrue(std > 0, "the signal underflowed to exactly 0, which proves less than intended");
    }

    // ------------------------------------------------------------------ the estimator's variance

    /**
     * Var(R | x) for R = ms(relu(Wx))/ms(x) with W ~ N(0, 2/n_in). With q_b = |x_b|²/n_in, R = Σ_j T_j/(n_out·Σ q_b),
     * T_j = Σ_b relu(y_bj)², and y_bj = w_j·x_b ~ N(0, 2q_b) correlated across b with cos θ_bc = the inputs'
     * cosine. For unit Gaussians at angle θ, E[relu(u)²·relu(v)²] = J₂(θ)/(2π) with Cho and Saul's arc-cosine
     * kernel J₂(θ) = 3 sin θ cos θ + (π − θ)(1 + 2cos²θ) (3/2 at θ = 0, 1/4 at θ = π/2), so
     * Var T_j = Σ_{b,c} 4 q_b q_c (J₂(θ_bc)/(2π) − 1/4), and Var R = Var T_j/(n_out (Σ q_b)²).
     *
     * @param gram (B, B) row-major x·xᵀ
     */
    static double kaimingRatioVariance(double[] gram, int in, int out) {
        int b = (int) Math.round(Math.sqrt(gram.length));
        double total = 0;
        for (int i = 0; i < b; i++) {
            total += gram[i * b + i] / in;
        }
        double sum = 0;
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < b; k++) {
                double qi = gram[i * b + i] / in;
                double qk = gram[k * b + k] / in;
                double cos = Math.max(-1, Math.min(1, gram[i * b + k] / Math.sqrt(gram[i * b + i] * gram[k * b + k])));
                double theta = Math.acos(cos);
                double j2 = 3 * Math.sin(theta) * cos + (Math.PI - theta) * (1 + 2 * cos * cos);
                sum += 4 * qi * qk * (j2 / (2 * Math.PI) - 0.25);
            }
        }
        return sum / (out * total * total);
    }

    /**
     * Var(R | x) for R = ms(Wx)/(n_in·ms(x)) with W ~ N(0, 1): R = Σ_j T_j/(n_out·Σ_b |x_b|²) with
     * T_j = Σ_b (w_j·x_b)², and by Isserlis Cov((w·x_b)², (w·x_c)²) = 2(x_b·x_c)², so
     * Var R = 2 Σ_{b,c} (x_b·x_c)²/(n_out (Σ_b |x_b|²)²).
     *
     * @param gram (B, B) row-major x·xᵀ
     */
    static double gaussianRatioVariance(double[] gram, int out) {
        int b = (int) Math.round(Math.sqrt(gram.length));
        double total = 0;
        double squares = 0;
        for (int i = 0; i < b; i++) {
            total += gram[i * b + i];
            for (int k = 0; k < b; k++) {
                squares += gram[i * b + k] * gram[i * b + k];
            }
        }
        return 2 * squares / (out * total * total);
    }

    // ------------------------------------------------------------------ helpers

    /** A float64 Linear(in, out) without bias (its default weights are overwritten by the caller). */
    private static Linear layer(Widths w, Generator gen) {
        return Linear.builder(w.in(), w.out()).bias(false).dtype(DType.FLOAT64).generator(gen).build();
    }

    /** x·xᵀ for x (rows, cols) row-major, by explicit loops. */
    private static double[] gram(double[] x, int rows, int cols) {
        double[] g = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            for (int k = i; k < rows; k++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += x[i * cols + j] * x[k * cols + j];
                }
                g[i * rows + k] = s;
                g[k * rows + i] = s;
            }
        }
        return g;
    }

    private static double meanSquare(Tensor t) {
        double s = 0;
        for (double v : t.toDoubleArray()) {
            s += v * v;
        }
        return s / t.numel();
    }

    private static double stdOfOutput(Module model, Tensor x) {
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            return model.forward(x).std().item();
        }
    }
}
