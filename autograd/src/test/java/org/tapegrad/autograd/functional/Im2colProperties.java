package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Im2col#im2col} and {@link Im2col#col2im}, in doubles and in floats, and {@link Im2col#im2row},
 * against the definition of the column matrix in its class comment, value by value: strides 1 to 3 (2 most
 * often, with kernels 3 wide most often: the loops of their own), dilations, asymmetric padding up to 4,
 * bands of output rows, a block of a wider matrix.
 */
class Im2colProperties {

    /** One image and the band [i0, i1) of its output rows, written at {@code off} with rows {@code ld} apart. */
    record Case(int channels, int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int[] pad, int bandFrom,
            int bandTo, int extraColumns, int off, long seed) {
        ConvGeometry geometry() {
            return ConvGeometry.of("conv2d", new int[] {1, channels, h, w}, new int[] {1, channels, kh, kw},
                    new int[] {sh, sw}, pad, new int[] {dh, dw}, 1);
        }

        @Override
        public String toString() {
            return "x (" + channels + ", " + h + ", " + w + "), kernel " + kh + "×" + kw + ", stride " + sh + "×" + sw
                    + ", dilation " + dh + "×" + dw + ", pad " + java.util.Arrays.toString(pad) + ", band "
                    + bandFrom + ".." + bandTo + ", +" + extraColumns + " columns, offset " + off;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> small = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> sides = Arbitraries.integers().between(0, 12);
        Arbitrary<Integer> widths = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(3)), Tuple.of(2, Arbitraries.integers().between(1, 5)));
        Arbitrary<Integer> strides = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(2)), Tuple.of(2, small));
        // up to 4: a 3-wide kernel then has output columns whose every tap lies in the padding
        Arbitrary<int[]> pads = Arbitraries.integers().between(0, 4).array(int[].class).ofSize(4);
        // the image at least as large as the dilated kernel; the padding only adds to it
        Arbitrary<int[]> shape = Combinators.combine(small, sides, sides, small, widths)
                .as((c, extraH, extraW, kh, kw) -> new int[] {c, extraH, extraW, kh, kw});
        Arbitrary<int[]> steps = Combinators.combine(small, strides, Arbitraries.integers().between(1, 2),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(1)),
                        Tuple.of(1, Arbitraries.just(2))))
                .as((sh, sw, dh, dw) -> new int[] {sh, sw, dh, dw});
        Arbitrary<int[]> band = Combinators.combine(Arbitraries.integers().between(0, 99),
                Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 7)).as((from, rows, extra, off) -> new int[] {from, rows, extra, off});
        return Combinators.combine(shape, steps, pads, band, Arbitraries.longs()).as((s, st, pad, b, seed) -> {
            int h = st[2] * (s[3] - 1) + 1 + s[1];
            int w = st[3] * (s[4] - 1) + 1 + s[2];
            int outH = (h + pad[0] + pad[1] - st[2] * (s[3] - 1) - 1) / st[0] + 1;
            int from = b[0] % outH;
            int to = from + 1 + b[1] % (outH - from);
            return new Case(s[0], h, w, s[3], s[4], st[0], st[1], st[2], st[3], pad, from, to, b[2], b[3], seed);
        });
    }

    /** In {@link #sources}: an entry of the column matrix that lies in the padding. */
    private static final int PADDING = -1;
    /** In {@link #sources}: an index outside the block of the column matrix (not to be touched). */
    private static final int OUTSIDE = -2;

    /**
     * The definition of the column matrix (Im2col's class comment), for each index of an array holding it at
     * {@code t.off()} with rows {@code ld} apart: the index in x of the pixel the entry is read from,
     * {@link #PADDING}, or {@link #OUTSIDE} the block.
     */
    private static int[] sources(Case t, ConvGeometry g, int ld, int xOff, int length) {
        int[] source = new int[length];
        java.util.Arrays.fill(source, OUTSIDE);
        for (int c = 0; c < t.channels(); c++) {
            for (int u = 0; u < t.kh(); u++) {
                for (int v = 0; v < t.kw(); v++) {
                    int r = (c * t.kh() + u) * t.kw() + v;
                    for (int i = t.bandFrom(); i < t.bandTo(); i++) {
                        for (int j = 0; j < g.outW; j++) {
                            int pixel = pixel(t, c, u, v, i, j);
                            source[t.off() + r * ld + (i - t.bandFrom()) * g.outW + j] =
                                    pixel == PADDING ? PADDING : xOff + pixel;
                        }
                    }
                }
            }
        }
        return source;
    }

    /**
     * The pixel that tap (u, v) of channel c reads for output position (i, j): its index {@code (c·H + h)·W + w}
     * in the image, or {@link #PADDING}.
     */
    private static int pixel(Case t, int c, int u, int v, int i, int j) {
        int hIn = i * t.sh() + u * t.dh() - t.pad()[0];
        int wIn = j * t.sw() + v * t.dw() - t.pad()[2];
        boolean inside = hIn >= 0 && hIn < t.h() && wIn >= 0 && wIn < t.w();
        return inside ? (c * t.h() + hIn) * t.w() + wIn : PADDING;
    }

    @Property(tries = 400)
    void writesTheDefinitionInDoublesAndInFloats(@ForAll("cases") Case t) {
        ConvGeometry g = t.geometry();
        int ld = (t.bandTo() - t.bandFrom()) * g.outW + t.extraColumns();
        int rows = t.channels() * t.kh() * t.kw();
        Random rnd = new Random(t.seed());
        double[] x = new double[3 + t.channels() * t.h() * t.w() + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian(); // float32 values: the float matrix holds them exactly
        }
        int xOff = 3;
        double[] doubles = new double[t.off() + rows * ld + 2];
        float[] floats = new float[doubles.length];
        java.util.Arrays.fill(doubles, Double.NaN);
        java.util.Arrays.fill(floats, Float.NaN);
        Im2col.im2col(g, x, xOff, t.bandFrom(), t.bandTo(), doubles, t.off(), ld);
        Im2col.im2col(g, x, xOff, t.bandFrom(), t.bandTo(), floats, t.off(), ld);
        int[] source = sources(t, g, ld, xOff, doubles.length);
        for (int at = 0; at < doubles.length; at++) {
            double expected = source[at] >= 0 ? x[source[at]] : source[at] == PADDING ? 0.0 : Double.NaN;
            String where = (source[at] == OUTSIDE ? "outside the block, " : "") + "index " + at + " of " + t;
            assertEquals(expected, doubles[at], 0.0, "doubles: " + where);
            assertEquals(expected, floats[at], 0.0, "floats: " + where);
        }
    }

    /**
     * {@link Im2col#im2row} writes the column matrix transposed, group by group: entry (r, t) of group g's
     * matrix at {@code off + g·groupStride + t·K + r}, from the input as doubles and as floats alike, and
     * nothing outside the blocks.
     */
    @Property(tries = 400)
    void im2rowWritesTheTransposedMatrixGroupByGroup(@ForAll("cases") Case t,
            @ForAll @IntRange(min = 1, max = 3) int groups) {
        int channels = t.channels() * groups;
        ConvGeometry g = ConvGeometry.of("conv2d", new int[] {1, channels, t.h(), t.w()},
                new int[] {groups, t.channels(), t.kh(), t.kw()}, new int[] {t.sh(), t.sw()}, t.pad(),
                new int[] {t.dh(), t.dw()}, groups);
        int k = t.channels() * t.kh() * t.kw();
        int positions = (t.bandTo() - t.bandFrom()) * g.outW;
        int groupStride = positions * k + t.extraColumns();
        Random rnd = new Random(t.seed());
        int xOff = 3;
        double[] x = new double[xOff + channels * t.h() * t.w() + 3];
        float[] xFloats = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xFloats[i] = (float) rnd.nextGaussian();
            x[i] = xFloats[i];
        }
        float[] fromDoubles = new float[t.off() + groups * groupStride + 2];
        float[] fromFloats = new float[fromDoubles.length];
        java.util.Arrays.fill(fromDoubles, Float.NaN);
        java.util.Arrays.fill(fromFloats, Float.NaN);
        Im2col.im2row(g, x, null, xOff, t.bandFrom(), t.bandTo(), fromDoubles, t.off(), groupStride);
        Im2col.im2row(g, null, xFloats, xOff, t.bandFrom(), t.bandTo(), fromFloats, t.off(), groupStride);
        double[] expected = new double[fromDoubles.length];
        java.util.Arrays.fill(expected, Double.NaN);
        for (int grp = 0; grp < groups; grp++) {
            for (int c = 0; c < t.channels(); c++) {
                for (int u = 0; u < t.kh(); u++) {
                    for (int v = 0; v < t.kw(); v++) {
                        int r = (c * t.kh() + u) * t.kw() + v;
                        for (int i = t.bandFrom(); i < t.bandTo(); i++) {
                            for (int j = 0; j < g.outW; j++) {
                                // the image's channel grp·C/G + c
                                int pixel = pixel(t, grp * t.channels() + c, u, v, i, j);
                                int position = (i - t.bandFrom()) * g.outW + j;
                                expected[t.off() + grp * groupStride + position * k + r] =
                                        pixel == PADDING ? 0.0 : x[xOff + pixel];
                            }
                        }
                    }
                }
            }
        }
        for (int at = 0; at < expected.length; at++) {
            String where = "index " + at + " of " + t + ", " + groups + " groups";
            assertEquals(expected[at], fromDoubles[at], 0.0, "from doubles: " + where);
            assertEquals(expected[at], fromFloats[at], 0.0, "from floats: " + where);
        }
    }

    /**
     * {@link Im2col#col2im}, in doubles and in floats, adds every entry of the column matrix onto the pixel it
     * was read from (the adjoint); the float sums within float rounding of the exact ones.
     */
    @Property(tries = 400)
    void col2imAddsEachEntryOntoThePixelItWasReadFrom(@ForAll("cases") Case t) {
        ConvGeometry g = t.geometry();
        int ld = (t.bandTo() - t.bandFrom()) * g.outW + t.extraColumns();
        int rows = t.channels() * t.kh() * t.kw();
        Random rnd = new Random(t.seed());
        double[] cols = new double[t.off() + rows * ld + 2];
        float[] floatCols = new float[cols.length];
        for (int i = 0; i < cols.length; i++) {
            floatCols[i] = (float) rnd.nextGaussian();
            cols[i] = floatCols[i];
        }
        int xOff = 2;
        double[] start = new double[xOff + t.channels() * t.h() * t.w() + 2];
        float[] floatStart = new float[start.length];
        for (int i = 0; i < start.length; i++) {
            floatStart[i] = (float) rnd.nextGaussian();
            start[i] = floatStart[i];
        }
        double[] expected = start.clone();
        double[] scale = new double[start.length];
        int[] source = sources(t, g, ld, xOff, cols.length);
        for (int at = 0; at < cols.length; at++) {
            if (source[at] >= 0) {
                expected[source[at]] += cols[at];
                scale[source[at]] += Math.abs(cols[at]);
            }
        }
        double[] dx = start.clone();
        Im2col.col2im(g, cols, t.off(), ld, t.bandFrom(), t.bandTo(), dx, xOff);
        float[] floatDx = floatStart.clone();
        Im2col.col2im(g, floatCols, t.off(), ld, t.bandFrom(), t.bandTo(), floatDx, xOff);
        int taps = t.kh() * t.kw();
        for (int i = 0; i < dx.length; i++) {
            double tolerance = 1e-14 * (Math.abs(start[i]) + scale[i]);
            assertEquals(expected[i], dx[i], tolerance, "pixel " + i + " of " + t);
            // each addition rounds once: at most one unit roundoff of the running sum per entry added
            double floatTolerance = (taps + 1) * 0x1p-24 * (Math.abs(start[i]) + scale[i]);
            assertEquals(expected[i], floatDx[i], floatTolerance, "float pixel " + i + " of " + t);
        }
    }
}
