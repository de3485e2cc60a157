package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/** Bad input is an IllegalArgumentException whose message names the function and the offending value or shape. */
class InitErrorTest {
    private static final Generator G = new Generator(0);

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + message + "' should contain '" + part + "'");
        }
    }

    // ------------------------------------------------------------------ fans and gains

    @Test
    void fanBasedInitialisersRefuseOneDimensionalTensorsWithPyTorchsMessage() {
        Tensor bias = Tensor.zeros(5);
        String fan = "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions";
        assertEquals("kaimingUniform_: " + fan + ", got shape [5]",
                message(() -> Init.kaimingUniform_(bias, 0, FanMode.FAN_IN, "relu", G)));
        assertEquals("kaimingNormal_: " + fan + ", got shape [5]",
                message(() -> Init.kaimingNormal_(bias, 0, FanMode.FAN_IN, "relu", G)));
        assertEquals("xavierUniform_: " + fan + ", got shape [5]", message(() -> Init.xavierUniform_(bias)));
        assertEquals("xavierNormal_: " + fan + ", got shape [5]", message(() -> Init.xavierNormal_(bias)));
    }

    @Test
    void kaimingChecksTheFansBeforeTheNonlinearity() {
        assertContains(message(() -> Init.kaimingUniform_(Tensor.zeros(5), 0, FanMode.FAN_IN, "foo", G)),
                "fewer than 2 dimensions");
    }

    @Test
    void unknownNonlinearityIsRefusedByKaiming() {
        assertEquals("Unsupported nonlinearity foo",
                message(() -> Init.kaimingNormal_(Tensor.zeros(3, 4), 0, FanMode.FAN_IN, "foo", G)));
    }

    @Test
    void kaimingRefusesANullMode() {
        assertEquals("kaimingUniform_: mode must not be null (use FanMode.FAN_IN or FAN_OUT)",
                message(() -> Init.kaimingUniform_(Tensor.zeros(3, 4), 0, null, "relu", G)));
    }

    @Test
    void kaimingFormulaRefusesAZeroFan() {
        assertContains(message(() -> Kaiming.std(new Fans(0, 3), 0, FanMode.FAN_IN, "relu")), "fan_in is 0");
    }

    @Test
    void xavierOnAZeroByZeroWeightIsAnError() {
        assertEquals("xavierUniform_: fan_in + fan_out is 0 for shape [0, 0], so the standard deviation "
                + "gain*sqrt(2/(fan_in+fan_out)) is undefined", message(() -> Init.xavierUniform_(Tensor.zeros(0, 0))));
    }

    // ------------------------------------------------------------------ plain distributions

    @Test
    void uniformWithLowerEndAboveUpperEndIsAnError() {
        assertEquals("uniform_: expects a [from, to) range, but found from=2.0 > to=1.0 (tensor of shape [3, 4])",
                message(() -> Init.uniform_(Tensor.zeros(3, 4), 2, 1, G)));
    }

    @Test
    void uniformWithNaNOrInfiniteEndsIsAnError() {
        assertEquals("uniform_: from=NaN is out of bounds for float32 (tensor of shape [2])",
                message(() -> Init.uniform_(Tensor.zeros(2), Double.NaN, 1, G)));
        assertEquals("uniform_: to=Infinity is out of bounds for float64 (tensor of shape [2])",
                message(() -> Init.uniform_(Tensor.zeros(DType.FLOAT64, 2), 0, Double.POSITIVE_INFINITY, G)));
    }

    @Test
    void uniformWiderThanTheDtypeIsAnError() {
        assertContains(message(() -> Init.uniform_(Tensor.zeros(2), -3e38, 3e38, G)),
                "uniform_: expects to - from <= 3.4028234663852886E38", "float32", "from=-3.0E38", "to=3.0E38");
    }

    @Test
    void normalWithNegativeStdIsAnError() {
        assertEquals("normal_: expects std >= 0.0, but found std -1.0 (tensor of shape [3])",
                message(() -> Init.normal_(Tensor.zeros(3), 0, -1, G)));
        assertContains(message(() -> Init.normal_(Tensor.zeros(3), 0, Double.NaN, G)), "found std NaN");
    }

    @Test
    void truncNormalRefusesBadParameters() {
        Tensor t = Tensor.zeros(2, 2);
        assertEquals("truncNormal_: expects a finite std > 0.0, but found std 0.0 (tensor of shape [2, 2])",
                message(() -> Init.truncNormal_(t, 0, 0, -2, 2, G)));
        assertContains(message(() -> Init.truncNormal_(t, 0, -1, -2, 2, G)), "found std -1.0");
        assertEquals("truncNormal_: expects bounds a <= b, but found a=1.0 and b=-1.0 (tensor of shape [2, 2])",
                message(() -> Init.truncNormal_(t, 0, 1, 1, -1, G)));
        assertContains(message(() -> Init.truncNormal_(t, 0, 1, Double.NaN, 1, G)), "a=NaN");
        assertContains(message(() -> Init.truncNormal_(t, Double.NaN, 1, -2, 2, G)), "finite mean", "NaN");
    }

    // ------------------------------------------------------------------ patterns, orthogonal, sparse

    @Test
    void eyeRefusesTensorsThatAreNotTwoDimensional() {
        assertEquals("eye_: Only tensors with 2 dimensions are supported, got shape [2, 2, 2]",
                message(() -> Init.eye_(Tensor.zeros(2, 2, 2))));
        assertEquals("eye_: Only tensors with 2 dimensions are supported, got shape [4]",
                message(() -> Init.eye_(Tensor.zeros(4))));
    }

    @Test
    void diracRefusesRanksOutsideThreeToFive() {
        assertEquals("dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got shape [3, 3]",
                message(() -> Init.dirac_(Tensor.zeros(3, 3))));
        assertEquals("dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got shape [1, 1, 1, 1, 1, 1]",
                message(() -> Init.dirac_(Tensor.zeros(1, 1, 1, 1, 1, 1))));
    }

    @Test
    void diracRefusesGroupsThatDoNotDivideTheOutputChannels() {
        assertEquals("dirac_: dim 0 must be divisible by groups, got shape [5, 2, 3, 3] and groups 2",
                message(() -> Init.dirac_(Tensor.zeros(5, 2, 3, 3), 2)));
        assertEquals("dirac_: groups must be positive, got 0 for shape [4, 2, 3]",
                message(() -> Init.dirac_(Tensor.zeros(4, 2, 3), 0)));
    }

    @Test
    void sparseRefusesTensorsThatAreNotTwoDimensional() {
        assertEquals("sparse_: Only tensors with 2 dimensions are supported, got shape [4, 4, 4]",
                message(() -> Init.sparse_(Tensor.zeros(4, 4, 4), 0.5)));
    }

    @Test
    void sparseRefusesSparsityOutsideZeroToOne() {
        assertEquals("sparse_: sparsity must be in [0, 1], got 1.5 (tensor of shape [4, 4])",
                message(() -> Init.sparse_(Tensor.zeros(4, 4), 1.5)));
        assertContains(message(() -> Init.sparse_(Tensor.zeros(4, 4), -0.1)), "got -0.1");
        assertContains(message(() -> Init.sparse_(Tensor.zeros(4, 4), Double.NaN)), "got NaN");
    }

    @Test
    void sparseRefusesNegativeStd() {
        assertEquals("sparse_: expects std >= 0.0, but found std -0.01 (tensor of shape [4, 4])",
                message(() -> Init.sparse_(Tensor.zeros(4, 4), 0.5, -0.01)));
    }

    // ------------------------------------------------------------------ Caffe and Keras records

    @Test
    void caffeFillerValidatesItsFields() {
        assertEquals("CaffeFiller: type must not be null (XAVIER or MSRA)",
                message(() -> new CaffeFiller(null, CaffeFiller.VarianceNorm.FAN_IN)));
        assertEquals("CaffeFiller: varianceNorm must not be null (FAN_IN, FAN_OUT or AVERAGE)",
                message(() -> CaffeFiller.xavier(null)));
    }

    @Test
    void caffeFillerRefusesEmptyAndZeroDimensionalBlobs() {
        assertContains(message(() -> CaffeFiller.msra().fill(Tensor.zeros(0, 3))), "[0, 3]");
        assertContains(message(() -> CaffeFiller.xavier().fill(Tensor.scalar(0))), "at least one axis", "[]");
    }

    @Test
    void caffeMsraHasNoBound() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CaffeFiller.msra().bound(3, 3));
        assertTrue(e.getMessage().contains("msra"));
    }

    @Test
    void varianceScalingRejectsANonPositiveScaleNamingTheField() {
        assertEquals("VarianceScaling: scale must be a positive finite number, got 0.0",
                message(() -> new VarianceScaling(0, VarianceScaling.Mode.FAN_IN, VarianceScaling.Distribution.UNIFORM)));
        assertEquals("VarianceScaling: scale must be a positive finite number, got -1.0",
                message(() -> new VarianceScaling(-1, VarianceScaling.Mode.FAN_IN, VarianceScaling.Distribution.UNIFORM)));
        assertContains(message(() -> new VarianceScaling(Double.NaN, VarianceScaling.Mode.FAN_IN,
                VarianceScaling.Distribution.UNIFORM)), "scale", "NaN");
        assertContains(message(() -> new VarianceScaling(Double.POSITIVE_INFINITY, VarianceScaling.Mode.FAN_IN,
                VarianceScaling.Distribution.UNIFORM)), "scale", "Infinity");
    }

    @Test
    void varianceScalingRejectsNullModeAndDistribution() {
        assertContains(message(() -> new VarianceScaling(1, null, VarianceScaling.Distribution.UNIFORM)),
                "mode must not be null");
        assertContains(message(() -> new VarianceScaling(1, VarianceScaling.Mode.FAN_IN, null)),
                "distribution must not be null");
    }

    @Test
    void kerasModeMustMatchExactlyButDistributionIsLowerCased() {
        assertEquals(VarianceScaling.Mode.FAN_AVG, VarianceScaling.Mode.of("fan_avg"));
        assertEquals("VarianceScaling: mode must be one of fan_in, fan_out, fan_avg, got FAN_IN",
                message(() -> VarianceScaling.Mode.of("FAN_IN")));
        assertEquals(VarianceScaling.Distribution.UNIFORM, VarianceScaling.Distribution.of("Uniform"));
        assertEquals(VarianceScaling.Distribution.TRUNCATED_NORMAL, VarianceScaling.Distribution.of("normal"));
        assertEquals(VarianceScaling.Distribution.UNTRUNCATED_NORMAL,
                VarianceScaling.Distribution.of("untruncated_normal"));
        assertContains(message(() -> VarianceScaling.Distribution.of("gamma")), "distribution", "got gamma");
    }

    @Test
    void varianceScalingAsksForTheParameterItsDistributionHas() {
        assertThrows(IllegalStateException.class, () -> VarianceScaling.heUniform().stddev(3, 3));
        assertThrows(IllegalStateException.class, () -> VarianceScaling.heNormal().limit(3, 3));
    }
}
