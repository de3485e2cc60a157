package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * The statistical checks shared by the initialiser tests.
 *
 * <p><b>Scheme.</b> Each check compares a sample statistic with the value the initialiser's formula
 * predicts, allowing {@link #K} standard errors, where K is chosen so that a correct initialiser fails a
 * check with probability {@link #FALSE_ALARM_PER_CHECK} = 1e-6 (two-sided; the statistics are
 * approximately normal by the central limit theorem, every sample having at least {@link #MIN_SAMPLES}
 * values):
 * <ul>
 * <li>mean: {@code |x̄ − μ| ≤ K·σ/√N};</li>
 * <li>standard deviation: {@code |s − σ| ≤ K·σ·√((κ − 1)/(4N))}, the delta-method standard error of s,
 * with κ = E[(X−μ)⁴]/σ⁴ the kurtosis of the predicted distribution (normal 3, uniform 9/5, truncated normal
 * from its moments);</li>
 * <li>shape: a Kolmogorov–Smirnov test against the predicted distribution must not reject at significance
 * 1e-6 (an exact false-alarm rate under the null hypothesis).</li>
 * </ul>
 * The tests also use fixed seeds (jqwik's and the {@code Generator}'s), so a run is reproducible; the
 * false-alarm rate says how unlucky a seed would have to be for a correct implementation to fail.
 *
 * <p><b>Power.</b> With N values the std check notices a relative error of about K·√((κ−1)/(4N)): 3.5% for
 * normal draws at N = 10,000. That catches the mistakes sampling can make (a missing √3 in a uniform bound,
 * the missing 0.8796 truncation correction, a wrong distribution family); the formulas themselves are
 * compared exactly in {@code InitFormulaTest}.
 */
final class Stats {
    /** Probability that a correct initialiser fails one check. */
    static final double FALSE_ALARM_PER_CHECK = 1e-6;

    /** The two-sided normal quantile for {@link #FALSE_ALARM_PER_CHECK}: Φ⁻¹(1 − 1e-6/2) ≈ 4.89. */
    static final double K = new NormalDistribution().inverseCumulativeProbability(1 - FALSE_ALARM_PER_CHECK / 2);

    /** Samples smaller than this are refused: the normal approximation behind {@link #K} needs a few hundred. */
    static final int MIN_SAMPLES = 500;

    static final double NORMAL_KURTOSIS = 3.0;
    static final double UNIFORM_KURTOSIS = 9.0 / 5.0;

    private Stats() {
    }

    /** Asserts the sample's mean and standard deviation match the predicted ones (see the class comment). */
    static void assertMeanAndStd(String what, double[] x, double mean, double std, double kurtosis) {
        int n = x.length;
        assertTrue(n >= MIN_SAMPLES, what + ": only " + n + " samples");
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double sampleMean = sum / n;
        double ss = 0;
        for (double v : x) {
            ss += (v - sampleMean) * (v - sampleMean);
        }
        double sampleStd = Math.sqrt(ss / (n - 1));
        double meanTolerance = K * std / Math.sqrt(n);
        double stdTolerance = K * std * Math.sqrt((kurtosis - 1) / (4.0 * n));
        assertTrue(Math.abs(sampleMean - mean) <= meanTolerance, what + ": sample mean " + sampleMean
                + " differs from " + mean + " by more than " + K + " standard errors (" + meanTolerance + ")");
        assertTrue(Math.abs(sampleStd - std) <= stdTolerance, what + ": sample std " + sampleStd
                + " differs from " + std + " by more than " + K + " standard errors (" + stdTolerance + ")");
    }

    /** Asserts a Kolmogorov–Smirnov test does not reject {@code distribution} at significance 1e-6. */
    static void assertFollows(String what, double[] x, RealDistribution distribution) {
        assertTrue(x.length >= MIN_SAMPLES, what + ": only " + x.length + " samples");
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(distribution, x);
        assertTrue(p > FALSE_ALARM_PER_CHECK, what + ": Kolmogorov-Smirnov p-value " + p + " <= "
                + FALSE_ALARM_PER_CHECK);
    }

    /** The nonzero entries of a sample. */
    static double[] nonzero(double[] x) {
        return Arrays.stream(x).filter(v -> v != 0.0).toArray();
    }

    /**
     * Mean, standard deviation and kurtosis of N(mean, std²) truncated to [a, b].
     *
     * <p>With α = (a−μ)/σ, β = (b−μ)/σ and D = Φ(β) − Φ(α), the raw moments of the standard truncated normal
     * follow from integrating by parts: {@code m₀ = 1}, {@code m₁ = (φ(α) − φ(β))/D},
     * {@code m_k = (α^{k−1}φ(α) − β^{k−1}φ(β))/D + (k−1)·m_{k−2}}.
     */
    static Moments truncatedNormal(double mean, double std, double a, double b) {
        NormalDistribution unit = new NormalDistribution();
        double alpha = (a - mean) / std;
        double beta = (b - mean) / std;
        double d = unit.cumulativeProbability(beta) - unit.cumulativeProbability(alpha);
        double[] m = new double[5];
        m[0] = 1.0;
        m[1] = (unit.density(alpha) - unit.density(beta)) / d;
        for (int k = 2; k <= 4; k++) {
            m[k] = (term(alpha, k - 1, unit) - term(beta, k - 1, unit)) / d + (k - 1) * m[k - 2];
        }
        double variance = m[2] - m[1] * m[1];
        double fourth = m[4] - 4 * m[1] * m[3] + 6 * m[1] * m[1] * m[2] - 3 * Math.pow(m[1], 4);
        return new Moments(mean + std * m[1], std * Math.sqrt(variance), fourth / (variance * variance));
    }

    /** x^p·φ(x), taken as 0 at ±∞. */
    private static double term(double x, int p, NormalDistribution unit) {
        return Double.isInfinite(x) ? 0.0 : Math.pow(x, p) * unit.density(x);
    }

    /** The first moments of a distribution. */
    record Moments(double mean, double std, double kurtosis) {
    }
}
