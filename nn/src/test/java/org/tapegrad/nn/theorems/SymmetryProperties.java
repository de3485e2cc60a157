package org.tapegrad.nn.theorems;

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
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.Init;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sequential;
import org.tapegrad.nn.optim.SGD;
import org.tapegrad.nn.theorems.TheoremSupport.SgdSchedule;

/**
 * The symmetry theorem: in Linear(in, h) → ReLU → Linear(h, C) with every weight and bias equal to the same
 * constant, all h hidden units compute the same value and have the same outgoing weights, so they receive the
 * same gradient, take the same step, and stay identical forever: the layer behaves as one unit, whatever the
 * inputs, labels, learning rate or momentum. (A constant init is as useless as a zero one, for another reason.)
 */
class SymmetryProperties {

    /**
     * How far two hidden units' parameters may drift apart, relative to the largest parameter magnitude. In exact
     * arithmetic they are equal; the library may evaluate the h units' identical sums in different orders
     * (blocked matrix products), each a few ulps off, and SGD carries those differences forward without
     * amplifying them much over 10 steps: 1e-12 (≈ 4500 ulps) is far above that and far below any real
     * asymmetry, which shows up at the scale of lr·|gradient|.
     */
    private static final double SYMMETRY_RELATIVE = 1e-12;

    /**
     * A constant-initialised MLP and its data: {@code in} features, {@code hidden} units, {@code classes}
     * classes, {@code batch} examples, all parameters equal to {@code constant}. This class is immutable.
     */
    record Case(int in, int hidden, int classes, int batch, double constant, SgdSchedule schedule, long seed) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Double> constant = Arbitraries.doubles().between(0.1, 1.0).ofScale(3)
                .flatMap(m -> Arbitraries.of(m, -m));
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(2, 8),
                Arbitraries.integers().between(2, 6), Arbitraries.integers().between(1, 8), constant,
                SgdSchedule.upTo(10), TheoremSupport.seeds()).as(Case::new);
    }

    /** The two layers of the MLP, built in float64 and set to the constant. */
    record Mlp(Sequential model, Linear hidden, Linear output) {
        static Mlp constant(Case c) {
            Generator gen = new Generator(c.seed());
            Linear hidden = Linear.builder(c.in(), c.hidden()).dtype(DType.FLOAT64).generator(gen).build();
            Linear output = Linear.builder(c.hidden(), c.classes()).dtype(DType.FLOAT64).generator(gen).build();
            for (Tensor p : List.of(hidden.weight(), hidden.bias(), output.weight(), output.bias())) {
                Init.constant_(p, c.constant());
            }
            return new Mlp(new Sequential(hidden, new ReLU(), output), hidden, output);
        }
    }

    @Property(tries = 150)
    void constantInitialisedHiddenUnitsStayIdenticalUnderSgd(@ForAll("cases") Case c) {
        Mlp mlp = Mlp.constant(c);
        List<String> violations = train(c, mlp);
        assertTrue(violations.isEmpty(), () -> String.join("\n", violations));
    }

    /**
     * Trains {@code mlp} on random inputs and labels and returns, after each step, the first place where two
     * hidden units differ: their incoming weight rows, their biases or their outgoing weight columns.
     */
    static List<String> train(Case c, Mlp mlp) {
        Generator gen = new Generator(c.seed() ^ 0x5DEECE66DL);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, c.batch(), c.in());
        Tensor target = Tensor.randint(gen, 0, c.classes(), DType.FLOAT64, c.batch());
        CrossEntropyLoss loss = new CrossEntropyLoss();
        SGD sgd = new SGD(mlp.model().parameters(), c.schedule().options());
        List<String> violations = new ArrayList<>();
        for (int step = 0; step < c.schedule().steps() && violations.isEmpty(); step++) {
            if (c.schedule().zeroGradients()) {
                sgd.zeroGrad();
            }
            loss.forward(mlp.model().forward(x), target).backward();
            sgd.step();
            requireIdenticalUnits(violations, "step " + step + ": ", mlp, c);
        }
        return violations;
    }

    private static void requireIdenticalUnits(List<String> violations, String at, Mlp mlp, Case c) {
        double[] w1 = mlp.hidden().weight().toDoubleArray(); // (hidden, in)
        double[] b1 = mlp.hidden().bias().toDoubleArray(); // (hidden)
        double[] w2 = mlp.output().weight().toDoubleArray(); // (classes, hidden)
        double tolerance = SYMMETRY_RELATIVE * Math.max(maxAbs(w1), Math.max(maxAbs(b1), maxAbs(w2)));
        for (int j = 1; j < c.hidden(); j++) {
            for (int i = 0; i < c.in(); i++) {
                requireClose(violations, at + "incoming weight [" + j + ", " + i + "] vs unit 0", w1[j * c.in() + i],
                        w1[i], tolerance);
            }
            requireClose(violations, at + "bias [" + j + "] vs unit 0", b1[j], b1[0], tolerance);
            for (int k = 0; k < c.classes(); k++) {
                requireClose(violations, at + "outgoing weight [" + k + ", " + j + "] vs unit 0",
                        w2[k * c.hidden() + j], w2[k * c.hidden()], tolerance);
            }
        }
    }

    private static double maxAbs(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static void requireClose(List<String> violations, String what, double actual, double expected,
            double tolerance) {
        if (violations.isEmpty() && !(Math.abs(actual - expected) <= tolerance)) {
            violations.add(what + ": " + actual + " vs " + expected + " (tolerance " + tolerance + ")");
        }
    }

    // ------------------------------------------------------------------ the check bites

    @Example
    void theSymmetryCheckDetectsUnitsThatStartAMillionthApart() {
        Case c = new Case(4, 3, 3, 5, 0.5, new SgdSchedule(5, true, 0.5, 0.9, false), 11);
        Mlp mlp = Mlp.constant(c);
        double[] w1 = mlp.hidden().weight().toDoubleArray();
        w1[c.in()] += 1e-6; // unit 1's first incoming weight, slightly off
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            mlp.hidden().weight().copyFrom(Tensor.wrap(w1, DType.FLOAT64, c.hidden(), c.in()));
        }

        List<String> violations = train(c, mlp);

        assertFalse(violations.isEmpty());
        assertTrue(violations.get(0).startsWith("step 0: incoming weight [1, 0] vs unit 0"), violations.get(0));
    }

    @Example
    void constantInitialisedUnitsDoMoveTheyJustMoveTogether() {
        Case c = new Case(4, 3, 3, 5, 0.5, new SgdSchedule(5, true, 0.5, 0.9, false), 11);
        Mlp mlp = Mlp.constant(c);

        List<String> violations = train(c, mlp);

        assertTrue(violations.isEmpty(), () -> String.join("\n", violations));
        assertTrue(Math.abs(mlp.hidden().weight().get(0, 0) - 0.5) > 1e-3, "the hidden weights did not move");
    }
}
