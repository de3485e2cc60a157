package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ConvProducts#accumulateTransposed}, {@code C[o][r] += Σ_t G[o][t]·B[r][t]}, against the plain
 * triple loop: m and k on and off multiples of 3, n from 1 to a few bands' worth, rows of G and B
 * strided ({@code ldg ≥ n}, {@code ldb ≥ n}) and offset inside larger arrays, C holding values to add to.
 */
class ConvProductsProperties {

    /**
     * One call: G (m×n) rows {@code ldg = n + gPad} apart from {@code gOff}, B (k×n) rows
     * {@code ldb = n + bPad} apart from {@code bOff}, C (m×k) at {@code cOff}.
     */
    record Config(int m, int k, int n, int gPad, int bPad, int gOff, int bOff, int cOff) {
        int ldg() {
            return n + gPad;
        }

        int ldb() {
            return n + bPad;
        }

        @Override
        public String toString() {
            return "m=" + m + " k=" + k + " n=" + n + " ldg=" + ldg() + " ldb=" + ldb() + " offsets " + gOff + "/"
                    + bOff + "/" + cOff;
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(13, 600), Arbitraries.integers().between(600, 3000),
                Arbitraries.of(2239, 2240, 2241));
        Arbitrary<Integer> pads = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 40));
        Arbitrary<Integer> offsets = Arbitraries.integers().between(0, 9);
        return Combinators.combine(Arbitraries.integers().between(1, 7), Arbitraries.integers().between(1, 32),
                lengths, pads, pads, offsets, offsets, offsets).as(Config::new);
    }

    @Property(tries = 60)
    void accumulatesThePlainTripleLoopIntoC(@ForAll("configs") Config c, @ForAll long seed) {
        Random rnd = new Random(seed);
        double[] g = gaussian(rnd, c.gOff() + (c.m() - 1) * c.ldg() + c.n() + 3);
        double[] b = gaussian(rnd, c.bOff() + (c.k() - 1) * c.ldb() + c.n() + 3);
        double[] before = gaussian(rnd, c.cOff() + c.m() * c.k() + 3);
        double[] gCopy = g.clone();
        double[] bCopy = b.clone();

        double[] out = before.clone();
        ConvProducts.accumulateTransposed(c.m(), c.k(), c.n(), g, c.gOff(), c.ldg(), b, c.bOff(), c.ldb(), out,
                c.cOff());

        assertArrayEquals(gCopy, g, "G modified");
        assertArrayEquals(bCopy, b, "B modified");
        for (int i = 0; i < out.length; i++) {
            boolean inC = i >= c.cOff() && i < c.cOff() + c.m() * c.k();
            if (!inC) {
                assertEquals(before[i], out[i], 0.0, "written outside C at " + i);
            }
        }
        for (int o = 0; o < c.m(); o++) {
            for (int r = 0; r < c.k(); r++) {
                int gi = c.gOff() + o * c.ldg();
                int bi = c.bOff() + r * c.ldb();
                double sum = 0;
                double magnitude = 0;
                for (int t = 0; t < c.n(); t++) {
                    sum += g[gi + t] * b[bi + t];
                    magnitude += Math.abs(g[gi + t] * b[bi + t]);
                }
                int ci = c.cOff() + o * c.k() + r;
                double expected = before[ci] + sum;
                // both sums are within n·ε·Σ|g·b| of the exact one, in whatever order they add
                double tolerance = 2 * (c.n() + 1) * Math.ulp(1.0) * (magnitude + Math.abs(before[ci]));
                assertEquals(expected, out[ci], tolerance, "C[" + o + "][" + r + "]");
            }
        }
    }

    @Property(tries = 20)
    void sameInputsGiveTheSameBits(@ForAll("configs") Config c, @ForAll long seed) {
        Random rnd = new Random(seed);
        double[] g = gaussian(rnd, c.gOff() + (c.m() - 1) * c.ldg() + c.n());
        double[] b = gaussian(rnd, c.bOff() + (c.k() - 1) * c.ldb() + c.n());
        double[] first = gaussian(rnd, c.cOff() + c.m() * c.k());
        double[] second = first.clone();
        ConvProducts.accumulateTransposed(c.m(), c.k(), c.n(), g, c.gOff(), c.ldg(), b, c.bOff(), c.ldb(), first,
                c.cOff());
        ConvProducts.accumulateTransposed(c.m(), c.k(), c.n(), g, c.gOff(), c.ldg(), b, c.bOff(), c.ldb(), second,
                c.cOff());
        assertArrayEquals(first, second, 0.0);
    }

    /** The seed experiment's weight gradient over one band: 3 channels, 27 taps, 10 rows of 224 in a 224² plane. */
    @Example
    void seedBandMatchesThePlainLoop() {
        int m = 3;
        int k = 27;
        int n = 2240;
        int plane = 224 * 224;
        Random rnd = new Random(11);
        double[] g = gaussian(rnd, m * plane);
        double[] b = gaussian(rnd, k * n);
        int gOff = 7 * n;
        double[] out = new double[m * k];
        ConvProducts.accumulateTransposed(m, k, n, g, gOff, plane, b, 0, n, out, 0);
        for (int o = 0; o < m; o++) {
            for (int r = 0; r < k; r++) {
                double sum = 0;
                double magnitude = 0;
                for (int t = 0; t < n; t++) {
                    double p = g[gOff + o * plane + t] * b[r * n + t];
                    sum += p;
                    magnitude += Math.abs(p);
                }
                assertEquals(sum, out[o * k + r], 2 * (n + 1) * Math.ulp(1.0) * magnitude);
            }
        }
    }

    private static double[] gaussian(Random rnd, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
