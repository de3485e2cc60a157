package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Phases} against {@link Im2col}'s float loops (themselves checked against the definition in
 * {@link Im2colProperties}), bit for bit, on whole images of {@link Im2colProperties}'s geometries: strides
 * 1 to 3, dilations, asymmetric padding, a block of a wider matrix.
 */
class PhasesProperties {

    @Provide
    Arbitrary<Im2colProperties.Case> cases() {
        return new Im2colProperties().cases();
    }

    /** The column matrix built from the phases is im2col's, and nothing else in the array is written. */
    @Property(tries = 400)
    void im2colFromThePhasesEqualsIm2col(@ForAll("cases") Im2colProperties.Case t) {
        ConvGeometry g = t.geometry();
        int ld = g.outH * g.outW + t.extraColumns();
        Random rnd = new Random(t.seed());
        int xOff = 3;
        double[] x = new double[xOff + g.inImage() + 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int pOff = 1 + t.off();
        // NaN wherever split writes nothing: a read of such a place would show in the column matrix
        float[] phases = new float[pOff + Phases.values(g) + 2];
        Arrays.fill(phases, Float.NaN);
        Phases.split(g, x, xOff, phases, pOff);
        float[] expected = new float[t.off() + g.columnRows() * ld + 2];
        Arrays.fill(expected, -7f);
        float[] actual = expected.clone();
        Im2col.im2col(g, x, xOff, 0, g.outH, expected, t.off(), ld);
        Phases.im2col(g, phases, pOff, actual, t.off(), ld);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 0f, "index " + i + " of " + t);
        }
    }

    /**
     * col2im into the phases, merged into dx, gives col2im's sums (the same float additions in the same
     * order) at every pixel of the image, and leaves the rest of dx alone.
     */
    @Property(tries = 400)
    void col2imIntoThePhasesThenMergedEqualsCol2im(@ForAll("cases") Im2colProperties.Case t) {
        ConvGeometry g = t.geometry();
        int ld = g.outH * g.outW + t.extraColumns();
        Random rnd = new Random(t.seed());
        float[] cols = new float[t.off() + g.columnRows() * ld + 2];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = (float) rnd.nextGaussian();
        }
        float[] expected = new float[g.inImage()];
        Im2col.col2im(g, cols, t.off(), ld, 0, g.outH, expected, 0);
        int pOff = 2;
        float[] phases = new float[pOff + Phases.values(g) + 1];
        Phases.col2im(g, cols, t.off(), ld, phases, pOff);
        int xOff = 1 + t.off();
        double[] dx = new double[xOff + g.inImage() + 3];
        Arrays.fill(dx, Double.NaN);
        Phases.merge(g, phases, pOff, dx, xOff);
        for (int i = 0; i < dx.length; i++) {
            boolean inImage = i >= xOff && i < xOff + g.inImage();
            double want = inImage ? expected[i - xOff] : Double.NaN;
            assertEquals(want, dx[i], 0.0, (inImage ? "pixel " + (i - xOff) : "outside the image, index " + i)
                    + " of " + t);
        }
    }
}
