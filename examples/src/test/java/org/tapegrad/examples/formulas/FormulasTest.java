package org.tapegrad.examples.formulas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.examples.run.Progress;
import org.tapegrad.init.CaffeFiller;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Fans;
import org.tapegrad.init.Kaiming;
import org.tapegrad.init.VarianceScaling;
import org.tapegrad.init.Xavier;

/** The formulas worked out by hand agree with the library's, and with the std of what the library draws. */
class FormulasTest {
    /**
     * The sampled weights have 131,072 and 73,728 elements: the sample std's relative standard error is about
     * 1/√(2N) ≤ 0.3% for a Gaussian (less for a uniform), so 3% is over 10 standard errors.
     */
    private static final double MEASURED_TOLERANCE = 0.03;
    private static final double FORMULA_TOLERANCE = 1e-12;

    private static FormulasOutcome outcome;

    @BeforeAll
    static void run() {
        outcome = new FormulasExperiment(new FormulasExperiment.Options(DType.FLOAT64, 0)).run(Progress.silent());
    }

    @Test
    void fansOfTheLinearAndConvWeights() {
        assertEquals(new Fans(512, 256), outcome.weights().get(0).fans());
        assertEquals(new Fans(576, 1152), outcome.weights().get(1).fans());
    }

    @Test
    void gainsByHandEqualTheLibrarys() {
        for (FormulasExperiment.Gain g : outcome.gains()) {
            assertEquals(g.byHand(), g.library(), FORMULA_TOLERANCE, g.call());
        }
    }

    @Test
    void everyMeasuredStdMatchesItsFormula() {
        for (FormulasExperiment.WeightResult w : outcome.weights()) {
            for (FormulasExperiment.Measured m : w.scales()) {
                assertTrue(Math.abs(m.relativeDifference()) < MEASURED_TOLERANCE,
                        w.weight().layer() + " " + m.scale().call() + ": formula " + m.scale().std() + ", measured "
                                + m.measuredStd());
                if (!Double.isNaN(m.scale().bound())) {
                    assertTrue(m.measuredMaxAbs() <= m.scale().bound(), m.scale().call() + " stays inside its bound");
                }
            }
        }
    }

    @Test
    void handFormulasAgreeWithTheLibrarysFormulas() {
        for (FormulasExperiment.Weight weight : FormulasExperiment.WEIGHTS) {
            int[] shape = weight.shape();
            Fans fans = Fans.of(shape);
            assertEquals(Xavier.std(fans, 1), std(shape, "xavierNormal_(w)"), FORMULA_TOLERANCE);
            assertEquals(Kaiming.std(fans, 0, FanMode.FAN_IN, "relu"), std(shape, "kaimingNormal_(w, fan_in, relu)"),
                    FORMULA_TOLERANCE);
            assertEquals(Kaiming.std(fans, 0, FanMode.FAN_OUT, "relu"),
                    std(shape, "kaimingNormal_(w, fan_out, relu)"), FORMULA_TOLERANCE);
            assertEquals(Kaiming.bound(fans, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu"),
                    bound(shape, "kaimingUniform_(w, a=√5)  [layer default]"), FORMULA_TOLERANCE);
            assertEquals(CaffeFiller.xavier().std(shape), std(shape, "xavier, FAN_IN (default)"), FORMULA_TOLERANCE);
            assertEquals(CaffeFiller.xavier(CaffeFiller.VarianceNorm.AVERAGE).std(shape), std(shape, "xavier, AVERAGE"),
                    FORMULA_TOLERANCE);
            assertEquals(CaffeFiller.msra().std(shape), std(shape, "msra, FAN_IN (default)"), FORMULA_TOLERANCE);
            assertEquals(VarianceScaling.heNormal().resultingStd(shape), std(shape, "he_normal"), FORMULA_TOLERANCE);
            assertEquals(VarianceScaling.glorotUniform().limit(shape), bound(shape, "glorot_uniform"),
                    FORMULA_TOLERANCE);
        }
    }

    private static Scale scale(int[] shape, String call) {
        return Scale.all(shape).stream().filter(s -> s.call().equals(call)).findFirst().orElseThrow();
    }

    private static double std(int[] shape, String call) {
        return scale(shape, call).std();
    }

    private static double bound(int[] shape, String call) {
        return scale(shape, call).bound();
    }
}
