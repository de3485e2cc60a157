package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Gradcheck itself: it refuses inputs it cannot check and says why, it passes a correct backward, and
 * it fails a deliberately wrong one, naming the input, the index, the analytic and the numeric value.
 */
class GradcheckTest {

    /** y = x², recorded with the backward {@code g · slope · x} (correct for slope 2). */
    private static Tensor square(Tensor x, double slope) {
        Tensor out = x.detach().mul(x.detach());
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("square", x) {
                final SavedTensor saved = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.mul(saved.get()).mul(slope)};
                }
            });
        }
        return out;
    }

    /** y = a · b elementwise, whose backward for b is wrong at the element of flat index {@code bad} only. */
    private static Tensor productWrongAt(Tensor a, Tensor b, int bad) {
        Tensor out = a.detach().mul(b.detach());
        Autograd.record(out, new Node("productWrongAt", a, b) {
            @Override
            protected Tensor[] backward(Tensor g) {
                double[] db = g.mul(a.detach()).toDoubleArray();
                db[bad] += 1.0;
                return new Tensor[] {g.mul(b.detach()), Tensor.of(db, b.shape())};
            }
        });
        return out;
    }

    private static Tensor leaf(double... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    @Test
    void acceptsACorrectBackward() {
        Gradcheck.check(in -> square(in[0], 2.0), leaf(0.5, -1.5, 2.0));
    }

    @Test
    void rejectsAWrongDerivativeNamingInputIndexAnalyticAndNumeric() {
        Tensor x = leaf(0.5, -1.5, 2.0);
        Gradcheck.GradcheckException e = assertThrows(Gradcheck.GradcheckException.class,
                () -> Gradcheck.check(in -> square(in[0], 3.0), x));
        String m = e.getMessage();
        assertTrue(m.startsWith("gradcheck:"), m);
        assertTrue(m.contains("input 0"), m);
        assertTrue(m.contains("shape [3]"), m);
        assertTrue(m.contains("index [0]"), m);
        assertTrue(m.contains("analytic ") && m.contains("numeric "), m);
    }

    @Test
    void reportsTheInputAndTheMultiIndexWhereOnlyOneElementIsWrong() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {-1, 0.5, 2, 1}, 2, 2).requiresGrad(true);
        Gradcheck.GradcheckException e = assertThrows(Gradcheck.GradcheckException.class,
                () -> Gradcheck.check(in -> productWrongAt(in[0], in[1], 2), a, b));
        String m = e.getMessage();
        assertTrue(m.contains("input 1 (shape [2, 2]) at index [1, 0]"), m);
        // the backward adds 1 to the true derivative there, and the message reports both values
        Matcher values = Pattern.compile("analytic (\\S+), numeric (\\S+) ").matcher(m);
        assertTrue(values.find(), m);
        double analytic = Double.parseDouble(values.group(1));
        double numeric = Double.parseDouble(values.group(2));
        assertEquals(1.0, analytic - numeric, Gradcheck.ATOL, m);
    }

    @Test
    void refusesFloat32InputsAndSaysWhy() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradcheck.check(in -> in[0].exp(), x));
        String m = e.getMessage();
        assertTrue(m.startsWith("gradcheck: input 0"), m);
        assertTrue(m.contains("float32"), m);
        assertTrue(m.contains("need float64"), m);
        assertTrue(m.contains("7 significant digits"), m);
        assertTrue(m.contains("to(DType.FLOAT64)"), m);
    }

    @Test
    void refusesExpandedInputsAndInputsThatDoNotRequireGrad() {
        Tensor expanded = Tensor.of(new double[] {1, 2}, 1, 2).expand(3, 2).requiresGrad(true);
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> Gradcheck.check(in -> in[0].exp(), expanded));
        assertTrue(overlap.getMessage().contains("overlapping memory"), overlap.getMessage());
        assertTrue(overlap.getMessage().contains("expand it inside the function"), overlap.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Gradcheck.check(in -> in[0].exp(), Tensor.of(new double[] {1}, 1)));
        assertTrue(none.getMessage().contains("no input requires grad"), none.getMessage());
    }

    @Test
    void leavesTheInputsValuesAndGradientsAsTheyWere() {
        Tensor x = leaf(0.5, -1.5);
        Tensor previous = Tensor.of(new double[] {7, 8}, 2);
        x.setGrad(previous);
        Gradcheck.check(in -> in[0].tanh(), x);
        assertArrayEquals(new double[] {0.5, -1.5}, x.toDoubleArray());
        assertSame(previous, x.grad());
        Tensor fresh = leaf(1, 2);
        Gradcheck.check(in -> in[0].exp(), fresh);
        assertNull(fresh.grad());
    }

    @Test
    void checksNonContiguousInputsThroughTheirStrides() {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).t().requiresGrad(true);
        Gradcheck.check(in -> in[0].mul(in[0]).softmax(0), t);
        assertThrows(Gradcheck.GradcheckException.class, () -> Gradcheck.check(in -> square(in[0], 1.0), t));
    }
}
