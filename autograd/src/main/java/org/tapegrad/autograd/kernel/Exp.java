package org.tapegrad.autograd.kernel;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * e<sup>x</sup> in plain Java arithmetic, for loops that take many exponentials (the log-softmax of a
 * cross entropy). {@link Math#exp} is a call into a JIT stub that C2 cannot inline, so a loop over it waits
 * on each call; this method inlines into the loop, and the exponentials of neighbouring elements overlap:
 * in such a loop it takes about half the time of Math.exp (JDK 17, x86-64: some 4.5 ns against 9).
 *
 * <h2>Method (Tang's table-driven exponential)</h2>
 * With N = 128:
 * <pre>
 *   j = round(x·N/ln 2) = N·k + i   (0 ≤ i &lt; N)        r = x − j·ln 2/N   (|r| ≤ ln 2/(2N) ≈ 0.0027)
 *   e^x = 2^k · 2^(i/N) · e^r
 *   2^(i/N) = T_i·(1 + t_i)      T_i the double nearest to 2^(i/N), t_i its relative rounding error (tabulated)
 *   q = t_i + r + r²/2 + r³/6 + r⁴/24 + r⁵/120           (≈ t_i + e^r − 1; the Taylor rest is below 6e-19)
 *   e^x ≈ 2^k · (T_i + T_i·q)
 * </pre>
 * r is computed with ln 2/N split into a head whose products with j are exact and a tail (Cody–Waite), so
 * the only rounding of the size of the result's last bit is the final {@code T_i + T_i·q}; the others are
 * smaller than 2<sup>−60</sup> relative. 2<sup>k</sup> goes straight into the exponent bits of T_i; where
 * that would come close to the subnormals or overflow (|x| &gt; 700), a separate, rarely taken path
 * applies 2<sup>∓512</sup> of it afterwards.
 *
 * <h2>Accuracy</h2>
 * Within 0.52 ulp of the exact value where the result is a normal double (x ≥ −708.39; the bound of the
 * analysis above, 0.508 the largest error seen), and within 1 ulp where it is subnormal (rounded twice: to
 * 53 bits, then to the subnormal's fewer bits; 0.75 seen), so within 1 ulp everywhere, as {@link Math#exp}
 * promises; {@code ExpProperties} checks it against {@link StrictMath#exp} and against the exact value.
 * Special values as Math.exp: e<sup>−∞</sup> = 0, e<sup>+∞</sup> = +∞, NaN gives NaN; below −745.14 the
 * result rounds to 0, above 709.79 it overflows to +∞.
 *
 * <p>Deterministic: plain double arithmetic (Java rounds every operation to nearest), no fused multiply–add.
 */
public final class Exp {
    private static final int TABLE_BITS = 7;
    private static final int N = 1 << TABLE_BITS;
    /**
     * Up to this |x| the scale 2<sup>k</sup>·T_i lies within [2<sup>−1011</sup>, 2<sup>1011</sup>]: far enough
     * above the subnormals that rounding the product scale·q, even where it is subnormal, costs less than
     * 2<sup>−12</sup> ulp of the result.
     */
    private static final double FAST_LIMIT = 700;
    /**
     * Beyond these e<sup>x</sup> is 0 or +∞ already; clamping to them keeps j within ±2<sup>18</sup> (so that
     * j times the head of ln 2/N is exact) and k within ±1100.
     */
    private static final double MIN_ARGUMENT = -746;
    private static final double MAX_ARGUMENT = 710;
    /**
     * 1.5·2<sup>52</sup>: adding it rounds a value under 2<sup>51</sup> in magnitude to an integer, which the
     * sum's low bits then hold.
     */
    private static final double SHIFT = 0x1.8p52;
    private static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
    private static final double N_OVER_LN2 = 0x1.71547652b82fep7;
    /** ln 2/N = HI + LO; HI has 33 significant bits, so j·HI is exact for |j| &lt; 2<sup>20</sup>. */
    private static final double LN2_OVER_N_HI;
    private static final double LN2_OVER_N_LO;
    private static final double C3 = 1.0 / 6;
    private static final double C4 = 1.0 / 24;
    private static final double C5 = 1.0 / 120;
    /** The bits of T_i, all in [1, 2), so that adding m·2<sup>52</sup> to them multiplies T_i by 2<sup>m</sup>. */
    private static final long[] SCALE_BITS = new long[N];
    /** t_i = 2<sup>i/N</sup>/T_i − 1. */
    private static final double[] TAIL = new double[N];

    static {
        MathContext precision = new MathContext(60);
        BigDecimal ln2 = new BigDecimal("0.693147180559945309417232121458176568075500134360255254120680");
        BigDecimal ln2OverN = ln2.divide(BigDecimal.valueOf(N), precision);
        LN2_OVER_N_HI = Double.longBitsToDouble(Double.doubleToRawLongBits(ln2OverN.doubleValue()) & -(1L << 20));
        LN2_OVER_N_LO = ln2OverN.subtract(new BigDecimal(LN2_OVER_N_HI)).doubleValue();
        BigDecimal root = BigDecimal.valueOf(2);
        for (int b = 0; b < TABLE_BITS; b++) {
            root = root.sqrt(precision);
        }
        BigDecimal power = BigDecimal.ONE; // 2^(i/N)
        for (int i = 0; i < N; i++) {
            double t = power.doubleValue();
            SCALE_BITS[i] = Double.doubleToRawLongBits(t);
            TAIL[i] = power.divide(new BigDecimal(t), precision).subtract(BigDecimal.ONE).doubleValue();
            power = power.multiply(root, precision);
        }
    }

    private Exp() {
    }

    /** e<sup>x</sup>, within 1 ulp (see the class documentation). */
    public static double exp(double x) {
        if (Math.abs(x) <= FAST_LIMIT) {
            return scaledExp(x, 0);
        }
        return wideExp(x);
    }

    /**
     * e<sup>x</sup> for the rest of the line: NaN, infinities, and the results near or past underflow or
     * overflow, which are computed as 2<sup>±512</sup>·(e<sup>x</sup>·2<sup>∓512</sup>) so that the table's
     * scale stays a normal double.
     */
    private static double wideExp(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double clamped = Math.min(Math.max(x, MIN_ARGUMENT), MAX_ARGUMENT);
        return clamped < 0 ? scaledExp(clamped, -512) * 0x1p-512 : scaledExp(clamped, 512) * 0x1p512;
    }

    /**
     * e<sup>x</sup>·2<sup>−m</sup>, for |x| ≤ 746 and m such that the scale 2<sup>k − m</sup>·T_i is a normal
     * double.
     */
    private static double scaledExp(double x, int m) {
        double shifted = x * N_OVER_LN2 + SHIFT;
        long j = Double.doubleToRawLongBits(shifted) - SHIFT_BITS;
        double jd = shifted - SHIFT;
        double r = x - jd * LN2_OVER_N_HI - jd * LN2_OVER_N_LO;
        int i = (int) j & (N - 1);
        long k = j >> TABLE_BITS;
        double r2 = r * r;
        double q = TAIL[i] + r + r2 * (0.5 + r * C3) + r2 * r2 * (C4 + r * C5);
        double scale = Double.longBitsToDouble(SCALE_BITS[i] + ((k - m) << 52));
        return scale + scale * q;
    }
}
