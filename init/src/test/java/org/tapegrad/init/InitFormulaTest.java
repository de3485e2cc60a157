package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The standard deviations and bounds each initialiser uses, for concrete layers, against numbers worked out
 * by hand from the SPEC formulas. Where PyTorch's double arithmetic (SPEC §1.9) is reproduced bit for bit the
 * tolerance is 0; the decimal literals are what Python prints for the same expression.
 */
class InitFormulaTest {
    /** For closed forms evaluated in a different order than the library's (a few ulps apart). */
    private static final double CLOSED_FORM_TOLERANCE = 1e-15;

    /** nn.Linear(512, 256).weight: (256, 512). */
    private static final Fans LINEAR_512_256 = Fans.of(256, 512);
    /** nn.Conv2d(64, 128, 3).weight: (128, 64, 3, 3). */
    private static final Fans CONV_64_128_3 = Fans.of(128, 64, 3, 3);

    @Test
    void linearFansAreFanIn512AndFanOut256() {
        assertEquals(new Fans(512, 256), LINEAR_512_256);
    }

    @Test
    void conv2dFansAreFanIn576AndFanOut1152() {
        assertEquals(new Fans(64 * 3 * 3, 128 * 3 * 3), CONV_64_128_3);
    }

    // ------------------------------------------------------------------ Kaiming

    @Test
    void kaimingNormalFanInReluStdOfLinearIsRootTwoOverRoot512() {
        // √2/√512 = √(2/512) = 1/16
        assertEquals(Math.sqrt(2) / Math.sqrt(512), Kaiming.std(LINEAR_512_256, 0, FanMode.FAN_IN, "relu"), 0.0);
        assertEquals(0.0625, Kaiming.std(LINEAR_512_256, 0, FanMode.FAN_IN, "relu"), 0.0);
    }

    @Test
    void kaimingDefaultsUseSlopeZeroSoGainRootTwo() {
        // a = 0 is passed to calculate_gain('leaky_relu', 0): √(2/(1+0)) = √2, not √(2/1.0001).
        assertEquals(0.0625, Kaiming.std(LINEAR_512_256, 0, FanMode.FAN_IN, "leaky_relu"), 0.0);
    }

    @Test
    void defaultLinearInitBoundIsPyTorchsDoubleNotQuiteOneOverRootFanIn() {
        // kaiming_uniform_(w, a=√5): √3·(√(2/(1+5.000000000000001))/√512) = 0.04419417382415921,
        // one ulp below 1/√512 = 0.044194173824159216 (SPEC §1.9).
        double bound = Kaiming.bound(LINEAR_512_256, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu");
        assertEquals(0.04419417382415921, bound, 0.0);
        assertEquals(1 / Math.sqrt(512), bound, CLOSED_FORM_TOLERANCE);
        assertEquals((float) (1 / Math.sqrt(512)), (float) bound);
    }

    @Test
    void kaimingUniformFanOutReluBoundOfLinearIsRootSixOverSixteen() {
        // √3·√2/√256 = √6/16
        double bound = Kaiming.bound(LINEAR_512_256, 0, FanMode.FAN_OUT, "relu");
        assertEquals(0.15309310892394865, bound, 0.0);
        assertEquals(Math.sqrt(6) / 16, bound, CLOSED_FORM_TOLERANCE);
    }

    @Test
    void kaimingNormalTanhStdOfLinearIsFiveThirdsOverRoot512() {
        assertEquals(0.0736569563735987, Kaiming.std(LINEAR_512_256, 0, FanMode.FAN_IN, "tanh"), 0.0);
    }

    @Test
    void kaimingNormalFanInReluStdOfConvIsRootTwoOverTwentyFour() {
        // √2/√576 = √2/24
        double std = Kaiming.std(CONV_64_128_3, 0, FanMode.FAN_IN, "relu");
        assertEquals(0.05892556509887897, std, 0.0);
        assertEquals(Math.sqrt(2) / 24, std, CLOSED_FORM_TOLERANCE);
    }

    @Test
    void kaimingNormalFanOutReluStdOfConvIsOneOverTwentyFour() {
        // √2/√1152 = √2/(24·√2) = 1/24
        assertEquals(0.04166666666666667, Kaiming.std(CONV_64_128_3, 0, FanMode.FAN_OUT, "relu"), 0.0);
    }

    @Test
    void defaultConvInitBoundIsOneOverTwentyFour() {
        double bound = Kaiming.bound(CONV_64_128_3, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu");
        assertEquals(0.04166666666666666, bound, 0.0);
        assertEquals(1.0 / 24, bound, CLOSED_FORM_TOLERANCE);
    }

    @Test
    void defaultLayerBoundRoundsToOneOverRootFanInInFloat32ForEveryFanUpTo5000() {
        // SPEC §1.9: in double the two differ in the last bit for 3433 of the fans 1..5000; in float32 never.
        int differInDouble = 0;
        for (int fanIn = 1; fanIn <= 5000; fanIn++) {
            double bound = Kaiming.bound(new Fans(fanIn, 1), Math.sqrt(5), FanMode.FAN_IN, "leaky_relu");
            double recipe = Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + Math.sqrt(5) * Math.sqrt(5))) / Math.sqrt(fanIn));
            assertEquals(recipe, bound, 0.0, "fan_in " + fanIn);
            assertEquals((float) (1 / Math.sqrt(fanIn)), (float) bound, "fan_in " + fanIn);
            if (bound != 1 / Math.sqrt(fanIn)) {
                differInDouble++;
            }
        }
        assertEquals(3433, differInDouble);
    }

    // ------------------------------------------------------------------ Xavier

    @Test
    void xavierUniformBoundOfLinearIsRootSixOverRoot768() {
        // √3·√(2/(512+256)) = √(6/768) = √(1/128)
        double bound = Xavier.bound(LINEAR_512_256, 1.0);
        assertEquals(0.08838834764831843, bound, 0.0);
        assertEquals(Math.sqrt(1.0 / 128), bound, CLOSED_FORM_TOLERANCE);
    }

    @Test
    void xavierNormalStdOfLinearIsRootTwoOver768() {
        assertEquals(0.05103103630798288, Xavier.std(LINEAR_512_256, 1.0), 0.0);
    }

    @Test
    void xavierUniformBoundOfConvIsRootOneOver288() {
        // √3·√(2/(576+1152)) = √(6/1728) = √(1/288)
        double bound = Xavier.bound(CONV_64_128_3, 1.0);
        assertEquals(0.05892556509887896, bound, 0.0);
        assertEquals(Math.sqrt(1.0 / 288), bound, CLOSED_FORM_TOLERANCE);
    }

    @Test
    void xavierScalesLinearlyWithGain() {
        double tanh = Init.calculateGain("tanh");
        assertEquals(tanh * Math.sqrt(2.0 / 768), Xavier.std(LINEAR_512_256, tanh), 0.0);
    }

    // ------------------------------------------------------------------ Caffe

    @Test
    void caffeXavierDefaultIsLeCunUniform() {
        // scale = √(3/n), n = fan_in = 576: √3/24, the same interval as kaiming_uniform_(w, nonlinearity='linear').
        CaffeFiller xavier = CaffeFiller.xavier();
        assertEquals(0.07216878364870322, xavier.bound(128, 64, 3, 3), 0.0);
        assertEquals(Kaiming.bound(CONV_64_128_3, 0, FanMode.FAN_IN, "linear"), xavier.bound(128, 64, 3, 3),
                CLOSED_FORM_TOLERANCE);
        assertEquals(VarianceScaling.lecunUniform().limit(128, 64, 3, 3), xavier.bound(128, 64, 3, 3),
                CLOSED_FORM_TOLERANCE);
    }

    @Test
    void caffeXavierAverageIsGlorotUniform() {
        CaffeFiller xavier = CaffeFiller.xavier(CaffeFiller.VarianceNorm.AVERAGE);
        assertEquals(864.0, xavier.n(128, 64, 3, 3), 0.0);
        assertEquals(Xavier.bound(CONV_64_128_3, 1.0), xavier.bound(128, 64, 3, 3), CLOSED_FORM_TOLERANCE);
    }

    @Test
    void caffeXavierFanOutIsKaimingUniformLinearFanOut() {
        CaffeFiller xavier = CaffeFiller.xavier(CaffeFiller.VarianceNorm.FAN_OUT);
        assertEquals(Kaiming.bound(CONV_64_128_3, 0, FanMode.FAN_OUT, "linear"), xavier.bound(128, 64, 3, 3),
                CLOSED_FORM_TOLERANCE);
    }

    @Test
    void caffeAverageKeepsExactHalves() {
        // (fan_in + fan_out)/2 for a (3, 2) blob: (2 + 3)/2 = 2.5, not the integer 2.
        assertEquals(2.5, CaffeFiller.xavier(CaffeFiller.VarianceNorm.AVERAGE).n(3, 2), 0.0);
    }

    @Test
    void caffeMsraIsKaimingNormalRelu() {
        // std = √(2/n): fan_in gives √2/24, fan_out √(2/1152) = 1/24.
        assertEquals(Math.sqrt(2.0 / 576), CaffeFiller.msra().std(128, 64, 3, 3), 0.0);
        assertEquals(Kaiming.std(CONV_64_128_3, 0, FanMode.FAN_IN, "relu"), CaffeFiller.msra().std(128, 64, 3, 3),
                CLOSED_FORM_TOLERANCE);
        assertEquals(Kaiming.std(CONV_64_128_3, 0, FanMode.FAN_OUT, "relu"),
                CaffeFiller.msra(CaffeFiller.VarianceNorm.FAN_OUT).std(128, 64, 3, 3), CLOSED_FORM_TOLERANCE);
    }

    @Test
    void caffeMsraAverageIsNormalWithStdRootFourOverFanSum() {
        assertEquals(Math.sqrt(4.0 / (576 + 1152)),
                CaffeFiller.msra(CaffeFiller.VarianceNorm.AVERAGE).std(128, 64, 3, 3), CLOSED_FORM_TOLERANCE);
    }

    // ------------------------------------------------------------------ Keras

    @Test
    void truncationCorrectionIsTheStdOfAUnitNormalCutAtTwo() {
        // √(1 − 4φ(2)/(2Φ(2) − 1))
        NormalDistribution unit = new NormalDistribution();
        double cut = Math.sqrt(1 - 4 * unit.density(2) / (2 * unit.cumulativeProbability(2) - 1));
        assertEquals(cut, VarianceScaling.TRUNCATED_STD_OF_UNIT_NORMAL, CLOSED_FORM_TOLERANCE);
        assertEquals(Stats.truncatedNormal(0, 1, -2, 2).std(), VarianceScaling.TRUNCATED_STD_OF_UNIT_NORMAL,
                CLOSED_FORM_TOLERANCE);
    }

    @Test
    void heNormalStddevOfConvIsRootTwoOver576DividedByTheCorrection() {
        assertEquals(0.06698936571449711, VarianceScaling.heNormal().stddev(128, 64, 3, 3), 0.0);
        assertEquals(Math.sqrt(2.0 / 576), VarianceScaling.heNormal().resultingStd(128, 64, 3, 3), 0.0);
    }

    @Test
    void heUniformIsKaimingUniformRelu() {
        // limit = √(3·2/576) = √6/24
        assertEquals(Math.sqrt(6.0 / 576), VarianceScaling.heUniform().limit(128, 64, 3, 3), 0.0);
        assertEquals(Kaiming.bound(CONV_64_128_3, 0, FanMode.FAN_IN, "relu"),
                VarianceScaling.heUniform().limit(128, 64, 3, 3), CLOSED_FORM_TOLERANCE);
    }

    @Test
    void glorotUniformIsXavierUniform() {
        // limit = √(3·1/((512+256)/2)) = √(1/128), Keras' default kernel initialiser
        assertEquals(0.08838834764831845, VarianceScaling.glorotUniform().limit(256, 512), 0.0);
        assertEquals(Xavier.bound(LINEAR_512_256, 1.0), VarianceScaling.glorotUniform().limit(256, 512),
                CLOSED_FORM_TOLERANCE);
    }

    @Test
    void glorotNormalStddevIsCorrectedXavierNormalStd() {
        assertEquals(Xavier.std(LINEAR_512_256, 1.0) / VarianceScaling.TRUNCATED_STD_OF_UNIT_NORMAL,
                VarianceScaling.glorotNormal().stddev(256, 512), CLOSED_FORM_TOLERANCE);
    }

    @Test
    void lecunNormalStddevIsOneOverRootFanInDividedByTheCorrection() {
        assertEquals(Math.sqrt(1.0 / 512) / 0.87962566103423978, VarianceScaling.lecunNormal().stddev(256, 512), 0.0);
        assertEquals(VarianceScaling.lecunNormal(), new VarianceScaling());
    }

    @Test
    void untruncatedNormalIsKaimingNormalWithGainSquaredEqualToScale() {
        VarianceScaling vs = new VarianceScaling(2.0, VarianceScaling.Mode.FAN_OUT,
                VarianceScaling.Distribution.UNTRUNCATED_NORMAL);
        assertEquals(Kaiming.std(LINEAR_512_256, 0, FanMode.FAN_OUT, "relu"), vs.stddev(256, 512),
                CLOSED_FORM_TOLERANCE);
    }

    @Test
    void fanAvgUniformWithScaleSIsXavierUniformWithGainRootS() {
        VarianceScaling vs = new VarianceScaling(3.0, VarianceScaling.Mode.FAN_AVG, VarianceScaling.Distribution.UNIFORM);
        assertEquals(Xavier.bound(CONV_64_128_3, Math.sqrt(3.0)), vs.limit(128, 64, 3, 3), CLOSED_FORM_TOLERANCE);
    }

    @Test
    void pytorchLayerDefaultIsVarianceScalingOneThirdFanInUniform() {
        assertEquals(1 / Math.sqrt(512), VarianceScaling.pytorchLayerDefault().limit(256, 512), CLOSED_FORM_TOLERANCE);
        assertEquals(Kaiming.bound(LINEAR_512_256, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu"),
                VarianceScaling.pytorchLayerDefault().limit(256, 512), CLOSED_FORM_TOLERANCE);
    }

    @Test
    void varianceScalingGuardsSmallFansWithMaxOne() {
        // s = scale / max(1, n): a (1, 0) weight has fan_in 0, so s = scale.
        assertEquals(2.0, VarianceScaling.heUniform().scaledVariance(1, 0), 0.0);
        // A 0-D tensor has fans 1 and 1; a 1-D one of n has fans n and n.
        assertEquals(1.0, VarianceScaling.lecunUniform().scaledVariance(), 0.0);
        assertEquals(0.1, VarianceScaling.lecunUniform().scaledVariance(10), 0.0);
    }
}
